package dev.ivbot.examples.server;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/** The chat page's and the review page's files from {@code static/} on the classpath; anything else is a JSON 404. */
final class StaticServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Map<String, String> FILES = Map.of(
            "/index.html", "text/html; charset=utf-8",
            "/app.js", "text/javascript; charset=utf-8",
            "/app.css", "text/css; charset=utf-8",
            "/review.html", "text/html; charset=utf-8",
            "/review.js", "text/javascript; charset=utf-8");

    private final boolean devLogin;

    StaticServlet(boolean devLogin) {
        this.devLogin = devLogin;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        if (path.isEmpty() || path.equals("/")) {
            path = "/index.html";
        }
        String type = FILES.get(path);
        if (type == null) {
            Http.error(response, ApiException.notFound("nothing at " + request.getRequestURI()));
            return;
        }
        if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
            response.setHeader("Allow", "GET, HEAD");
            Http.error(response, new ApiException(405, "method_not_allowed", "use GET"));
            return;
        }
        byte[] bytes;
        try (InputStream in = StaticServlet.class.getClassLoader().getResourceAsStream("static" + path)) {
            if (in == null) {
                Http.error(response, ApiException.notFound("nothing at " + request.getRequestURI()));
                return;
            }
            bytes = in.readAllBytes();
        }
        response.setStatus(200);
        response.setContentType(type);
        response.setContentLength(bytes.length);
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Content-Security-Policy",
                "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; frame-ancestors 'none'");
        // the page asks for the dev login form only where the server offers it
        response.setHeader("X-Ivbot-Dev-Login", Boolean.toString(devLogin));
        if (request.getMethod().equals("HEAD")) {
            return;
        }
        try (OutputStream out = response.getOutputStream()) {
            out.write(bytes);
        }
    }
}
