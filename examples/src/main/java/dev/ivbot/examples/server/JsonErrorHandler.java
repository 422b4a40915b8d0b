package dev.ivbot.examples.server;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * Jetty's own error responses as the API's JSON {@code {"code": ..., "message": ...}} instead of
 * its HTML page, whatever the client's {@code Accept}: what the connection refuses before any
 * servlet runs (431 for a header block over the limit, 400 for a broken request line or URI, 505
 * for an unknown HTTP version), and what a servlet answers with {@code sendError} (405 from
 * {@code HttpServlet}'s defaults). A client of the API then reads one error shape only.
 *
 * <p>Installed on the {@code Server} (connection-level errors) and on the servlet context. The
 * message is Jetty's reason ("Request Header Fields Too Large", "Ambiguous URI path separator"),
 * cut to printable ASCII and 200 characters, or the status's reason phrase.
 *
 * <p>Stateless and thread-safe.
 */
final class JsonErrorHandler extends ErrorHandler {
    /** The API's codes for the statuses it documents; any other status gets its reason phrase in snake case. */
    private static final Map<Integer, String> CODES = Map.ofEntries(
            Map.entry(400, "bad_request"),
            Map.entry(404, "not_found"),
            Map.entry(405, "method_not_allowed"),
            Map.entry(408, "request_timeout"),
            Map.entry(413, "payload_too_large"),
            Map.entry(414, "uri_too_long"),
            Map.entry(415, "unsupported_media_type"),
            Map.entry(431, "request_header_fields_too_large"),
            Map.entry(500, "internal"),
            Map.entry(503, "unavailable"));

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        int status = response.getStatus();
        Object cause = attribute(request, ERROR_EXCEPTION, RequestDispatcher.ERROR_EXCEPTION);
        if (cause instanceof HttpException http) {
            status = http.getCode();
        }
        if (status < 400 || status > 599) {
            status = 500; // an error handled with a success status would read as an answer
        }
        Object reason = attribute(request, ERROR_MESSAGE, RequestDispatcher.ERROR_MESSAGE);
        String message = reason instanceof String s && !s.isBlank() ? ascii(s) : HttpStatus.getMessage(status);
        ApiException error = new ApiException(status, code(status), message);

        ServletContextRequest servlet = Request.as(request, ServletContextRequest.class);
        if (servlet != null) {
            // a sendError inside the context: the servlet response owns the output
            HttpServletResponse out = servlet.getHttpServletResponse();
            out.setStatus(status);
            if (HttpStatus.hasNoBody(status) || request.getMethod().equals("HEAD")) {
                out.setHeader("Cache-Control", "no-store");
            } else {
                Http.error(out, error);
            }
            callback.succeeded();
            return true;
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        if (HttpStatus.hasNoBody(status) || request.getMethod().equals("HEAD")) {
            callback.succeeded();
            return true;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", error.code);
        body.put("message", error.getMessage());
        byte[] json = Http.JSON.writeValueAsBytes(body);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json;charset=utf-8");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, json.length);
        response.write(true, ByteBuffer.wrap(json), callback);
        return true;
    }

    static String code(int status) {
        String code = CODES.get(status);
        if (code != null) {
            return code;
        }
        String phrase = HttpStatus.getMessage(status);
        return phrase == null ? "error" : phrase.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_")
                .replaceAll("^_|_$", "");
    }

    private static @Nullable Object attribute(Request request, String core, String servlet) {
        Object value = request.getAttribute(core);
        return value != null ? value : request.getAttribute(servlet);
    }

    /** Printable ASCII, at most 200 characters: a reason is for reading, not for carrying anything. */
    private static String ascii(String text) {
        String cleaned = text.replaceAll("[^\\x20-\\x7e]", "?");
        return cleaned.length() > 200 ? cleaned.substring(0, 200) + "..." : cleaned;
    }
}
