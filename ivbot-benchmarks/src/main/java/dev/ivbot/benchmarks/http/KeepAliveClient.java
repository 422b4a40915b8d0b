package dev.ivbot.benchmarks.http;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP/1.1 keep-alive connection that sends prepared request bytes and reads one response each,
 * its body framed by {@code Content-Length} (the servlet example) or chunked (Spring MVC's JSON
 * replies on Tomcat). A load generator that costs a few microseconds per request, so that the server,
 * not the client, is measured: a general-purpose client ({@code java.net.http}) spends more CPU per
 * request than the bare endpoint it would be measuring.
 *
 * <p>Not thread-safe: one exchange at a time.
 */
public final class KeepAliveClient implements AutoCloseable {
    private static final int TIMEOUT_MS = 10_000;

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final byte[] skip = new byte[8192];

    public KeepAliveClient(String host, int port) throws IOException {
        socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(TIMEOUT_MS);
            socket.connect(new InetSocketAddress(host, port), TIMEOUT_MS);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** A request's bytes: the request line, Host, an optional Bearer token, and a JSON body if any. */
    public static byte[] request(String method, String path, @Nullable String token, byte @Nullable [] jsonBody) {
        StringBuilder head = new StringBuilder(256).append(method).append(' ').append(path)
                .append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        if (token != null) {
            head.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        if (jsonBody != null) {
            head.append("Content-Type: application/json\r\nContent-Length: ").append(jsonBody.length).append("\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.US_ASCII);
        if (jsonBody == null) {
            return headBytes;
        }
        byte[] all = new byte[headBytes.length + jsonBody.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(jsonBody, 0, all, headBytes.length, jsonBody.length);
        return all;
    }

    /**
     * Sends {@code request} and reads the whole response; returns its status.
     *
     * @throws IOException if the connection fails or the response is neither length-framed nor chunked
     */
    public int exchange(byte[] request) throws IOException {
        out.write(request);
        out.flush();
        int status = -1;
        long contentLength = -1;
        boolean close = false;
        boolean chunked = false;
        StringBuilder line = new StringBuilder(128);
        while (true) {
            line.setLength(0);
            readLine(line);
            if (line.length() == 0) {
                break;
            }
            if (status < 0) {
                // HTTP/1.1 200 OK
                status = Integer.parseInt(line.substring(9, 12));
            } else if (startsWithIgnoreCase(line, "content-length:")) {
                contentLength = Long.parseLong(line.substring(15).trim());
            } else if (startsWithIgnoreCase(line, "connection:") && line.indexOf("close") > 0) {
                close = true;
            } else if (startsWithIgnoreCase(line, "transfer-encoding:") && line.indexOf("chunked") > 0) {
                chunked = true;
            }
        }
        if (chunked) {
            skipChunks(line);
        } else if (contentLength >= 0) {
            skipBytes(contentLength);
        } else {
            throw new IOException("response " + status + " with neither Content-Length nor chunked encoding");
        }
        if (close) {
            // the server ends keep-alive after so many requests (Tomcat: 100): the answer counts, the caller reconnects
            close();
        }
        return status;
    }

    /** False once the server said {@code Connection: close}: the next request needs a new connection. */
    public boolean isOpen() {
        return !socket.isClosed();
    }

    /** Chunks ({@code size[;ext] CRLF data CRLF}) up to the last, empty one, then the trailer's lines. */
    private void skipChunks(StringBuilder line) throws IOException {
        while (true) {
            line.setLength(0);
            readLine(line);
            int end = line.indexOf(";");
            long size;
            try {
                size = Long.parseLong((end < 0 ? line : line.subSequence(0, end)).toString().trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size line '" + line + "'", e);
            }
            if (size == 0) {
                do {
                    line.setLength(0);
                    readLine(line);
                } while (line.length() > 0);
                return;
            }
            skipBytes(size + 2); // the data and its CRLF
        }
    }

    private void skipBytes(long count) throws IOException {
        long left = count;
        while (left > 0) {
            int n = in.read(skip, 0, (int) Math.min(skip.length, left));
            if (n < 0) {
                throw new EOFException("connection closed inside a response body");
            }
            left -= n;
        }
    }

    private void readLine(StringBuilder line) throws IOException {
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed inside a response head");
            }
            if (b == '\n') {
                int last = line.length() - 1;
                if (last >= 0 && line.charAt(last) == '\r') {
                    line.setLength(last);
                }
                return;
            }
            line.append((char) b);
        }
    }

    private static boolean startsWithIgnoreCase(CharSequence s, String prefix) {
        return s.length() >= prefix.length() && s.subSequence(0, prefix.length()).toString().equalsIgnoreCase(prefix);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing: nothing to do
        }
    }
}
