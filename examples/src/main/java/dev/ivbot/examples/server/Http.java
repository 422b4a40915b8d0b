package dev.ivbot.examples.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.ivbot.security.TokenRejectedException;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** JSON in and out, with the limits of the API. Stateless and thread-safe. */
final class Http {
    /** Largest request body accepted. */
    static final int MAX_BODY_BYTES = 16 * 1024;

    /**
     * Requests and responses. Strict on what it reads: nothing after the value, and no key twice
     * in one object (Jackson would otherwise keep the last, so a proxy or WAF that reads the first
     * would see another request than the engine).
     */
    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** Jackson's message for a key read twice under {@link StreamReadFeature#STRICT_DUPLICATE_DETECTION}. */
    private static final Pattern DUPLICATE_KEY = Pattern.compile("Duplicate field '(.*)'", Pattern.DOTALL);

    private Http() {}

    /**
     * Refuses a body that is not declared as JSON: the media type must be exactly
     * {@code application/json} (any case), with parameters allowed after it; a {@code charset}
     * parameter, if given, must be UTF-8, the only encoding JSON has (RFC 8259 section 8.1). No
     * Content-Type at all is read as JSON, as before.
     */
    static void requireJsonContentType(@Nullable String contentType) {
        if (contentType == null) {
            return;
        }
        String[] parts = contentType.split(";", -1);
        // a prefix match let application/jsonp and application/json-seq through
        if (!parts[0].strip().equalsIgnoreCase("application/json")) {
            throw new ApiException(415, "unsupported_media_type", "send the body as application/json");
        }
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].strip();
            int eq = parameter.indexOf('=');
            if (eq > 0 && parameter.substring(0, eq).strip().equalsIgnoreCase("charset")) {
                String charset = parameter.substring(eq + 1).strip().replace("\"", "");
                if (!charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("utf8")) {
                    throw new ApiException(415, "unsupported_media_type", "send the body as UTF-8 application/json");
                }
            }
        }
    }

    /** The 413 for a body over {@link #MAX_BODY_BYTES}. */
    static ApiException tooLarge() {
        return new ApiException(413, "payload_too_large", "the body is larger than " + MAX_BODY_BYTES + " bytes");
    }

    /** The body as a JSON object, or a 400 {@link ApiException}. */
    static JsonNode parseJsonObject(byte[] body) {
        if (body.length == 0) {
            throw new ApiException(400, "malformed_json", "the body is empty; expected a JSON object");
        }
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            Matcher duplicate = DUPLICATE_KEY.matcher(String.valueOf(e.getOriginalMessage()));
            if (duplicate.matches()) {
                // which of two values would win is the parser's choice, not the client's: refuse both
                throw new ApiException(400, "malformed_json", "the key '" + printable(duplicate.group(1))
                        + "' appears more than once in an object (line " + line(e) + ")");
            }
            throw new ApiException(400, "malformed_json", "the body is not valid JSON (line " + line(e) + ")");
        } catch (IOException e) {
            throw new ApiException(400, "malformed_json", "the body is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw new ApiException(400, "malformed_json", "the body must be a JSON object");
        }
        return node;
    }

    private static String line(JsonProcessingException e) {
        return e.getLocation() == null ? "?" : Integer.toString(e.getLocation().getLineNr());
    }

    /** A client's text fit to quote in a message: control and format characters escaped, at most 64 characters. */
    static String printable(String text) {
        StringBuilder b = new StringBuilder();
        text.codePoints().limit(64).forEach(c -> {
            int type = Character.getType(c);
            if (type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
                    || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return text.codePointCount(0, text.length()) > 64 ? b + "..." : b.toString();
    }

    /** The text field {@code name}, or null when absent or JSON null; a 400 when it is not a string. */
    static @Nullable String text(JsonNode body, String name) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new ApiException(400, "invalid_input", name + ": must be a string",
                    Map.of("field", name), null);
        }
        return v.textValue();
    }

    static void write(HttpServletResponse response, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(bytes.length);
        try (OutputStream out = response.getOutputStream()) {
            out.write(bytes);
        }
    }

    static void error(HttpServletResponse response, ApiException e) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", e.code);
        body.put("message", e.getMessage());
        body.putAll(e.details);
        write(response, e.status, body);
    }

    static void text(HttpServletResponse response, int status, String contentType, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType(contentType);
        response.setContentLength(bytes.length);
        try (OutputStream out = response.getOutputStream()) {
            out.write(bytes);
        }
    }

    /** 401 with the Bearer challenge and the token's rejection reason. */
    /**
     * Before an error reply to a request rejected on its headers, whose body was never read: the body may
     * still be arriving, so Jetty closes the connection after the reply. Saying so in the reply lets a
     * keep-alive client send its next request on a new connection rather than down one being closed
     * (where it would fail with no response at all).
     */
    static void closeIfBodyUnread(HttpServletRequest request, HttpServletResponse response) {
        if (!response.isCommitted()
                && (request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null)) {
            response.setHeader("Connection", "close");
        }
    }

    static void unauthorized(HttpServletResponse response, TokenRejectedException e) throws IOException {
        response.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        error(response, new ApiException(401, "unauthorized", e.getMessage(), Map.of("reason", e.reason().name()), e));
    }

    /** 405 with an {@code Allow} header unless the request uses {@code allowed}. */
    static void requireMethod(HttpServletRequest request, String allowed, HttpServletResponse response) {
        if (!request.getMethod().equals(allowed)) {
            response.setHeader("Allow", allowed);
            throw new ApiException(405, "method_not_allowed", "use " + allowed);
        }
    }

    /** Writes a failed request's error reply. */
    @FunctionalInterface
    interface FailureWriter {
        void write(Throwable cause) throws IOException;
    }

    /**
     * When {@code result} completes: writes its value as 200 JSON, or hands its cause (unwrapped) to
     * {@code onFailure}; then completes the async request. A reply that cannot be written (the
     * client left) is logged at debug.
     */
    static void replyWhenDone(AsyncContext async, CompletionStage<?> result, HttpServletResponse response,
            FailureWriter onFailure) {
        result.whenComplete((value, error) -> {
            try {
                if (error == null) {
                    write(response, 200, value);
                } else {
                    onFailure.write(error instanceof CompletionException && error.getCause() != null ? error.getCause()
                            : error);
                }
            } catch (IOException | RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(Http.class).debug("could not write the reply: {}", e.toString());
            } finally {
                async.complete();
            }
        });
    }
}
