package dev.ivbot.examples.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain loopback socket, for what {@code java.net.http} will not send: a broken
 * request line, a header block over the server's limit, a body sent in pieces. Reads the response
 * until the server closes the connection (requests should say {@code Connection: close}).
 */
final class RawHttp {
    private RawHttp() {}

    record Response(int status, Map<String, String> headers, String body) {
        JsonNode json() {
            try {
                return TestHttp.JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        /** The header's value, or null; names in any case. */
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** Sends {@code request} as is (ISO-8859-1 bytes) and reads the response. */
    static Response send(URI base, String request) {
        return send(base, request.getBytes(StandardCharsets.ISO_8859_1));
    }

    static Response send(URI base, byte[] request) {
        try (Socket socket = new Socket("127.0.0.1", base.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            return read(socket.getInputStream());
        } catch (IOException e) {
            throw new AssertionError("raw request failed: " + e, e);
        }
    }

    /** Reads one response up to the end of the stream. */
    static Response read(InputStream in) throws IOException {
        return parse(new String(readAll(in), StandardCharsets.UTF_8));
    }

    /** Everything up to the end of the stream, or up to a reset after the response. */
    static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        try {
            while ((n = in.read(buffer)) >= 0) {
                all.write(buffer, 0, n);
            }
        } catch (java.net.SocketException e) {
            // a reset after the response (the server closed with unread request bytes): keep what came
        }
        return all.toByteArray();
    }

    static Response parse(String text) {
        int end = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/1.1 ") || end < 0) {
            throw new AssertionError("not an HTTP response: " + text);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].substring(9, 12));
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
        }
        return new Response(status, headers, text.substring(end + 4));
    }
}
