package dev.ivbot.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonBodyReader#bodyIfArrived}: a body that came with its headers is read at once; one
 * still on its way is left to the asynchronous {@link JsonBodyReader#read}, which then gets it whole.
 */
class JsonBodyReaderTest {
    /** What the servlet saw: "arrived" or "later", then the body's {@code text}. */
    private final BlockingQueue<String> seen = new LinkedBlockingQueue<>();
    private Server jetty;
    private URI base;

    @BeforeEach
    void start() throws Exception {
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        JsonBodyReader bodies = new JsonBodyReader(jetty.getScheduler(), Duration.ofSeconds(10), 0);
        ServletHolder holder = new ServletHolder(new HttpServlet() {
            @Override
            protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
                try {
                    Optional<byte[]> arrived = bodies.bodyIfArrived(request);
                    if (arrived.isPresent()) {
                        seen.add("arrived");
                        JsonNode body = Http.parseJsonObject(arrived.get());
                        Http.write(response, 200, Map.of("text", body.get("text").asText()));
                        return;
                    }
                } catch (ApiException e) {
                    Http.error(response, e);
                    return;
                }
                seen.add("later");
                AsyncContext async = request.startAsync();
                Http.replyWhenDone(async, bodies.read(async).thenApply(body -> Map.of("text", body.get("text").asText())),
                        response, e -> Http.error(response, (ApiException) e));
            }
        });
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/*");
        jetty.setHandler(context);
        jetty.start();
        base = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/");
    }

    @AfterEach
    void stop() throws Exception {
        jetty.stop();
    }

    private static String post(String contentType, int declaredLength) {
        return "POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: " + contentType
                + "\r\nContent-Length: " + declaredLength + "\r\n\r\n";
    }

    @Test
    void aBodySentWithItsHeadersIsReadAtOnce() {
        String body = "{\"text\":\"年假有几天\"}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        RawHttp.Response response = RawHttp.send(base, concat(post("application/json", bytes.length), bytes));
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("text").asText()).isEqualTo("年假有几天");
        assertThat(seen.poll()).isEqualTo("arrived");
    }

    @Test
    void aBodyStillOnItsWayIsReadAsynchronouslyAndWhole() throws Exception {
        byte[] bytes = "{\"text\":\"病假呢\"}".getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", base.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(post("application/json", bytes.length).getBytes(StandardCharsets.ISO_8859_1));
            out.write(bytes, 0, 3);
            out.flush();
            // the servlet has run with only part of the body there
            assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("later");
            out.write(bytes, 3, bytes.length - 3);
            out.flush();
            RawHttp.Response response = RawHttp.read(socket.getInputStream());
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.json().get("text").asText()).isEqualTo("病假呢");
        }
    }

    @Test
    void aBodyNotDeclaredAsJsonIs415AndOneOverTheLimitIsLeftToTheAsynchronousRead() {
        RawHttp.Response text = RawHttp.send(base, post("text/plain", 2) + "hi");
        assertThat(text.status()).isEqualTo(415);
        assertThat(seen.poll()).isNull();

        RawHttp.Response tooLarge = RawHttp.send(base, post("application/json", Http.MAX_BODY_BYTES + 1) + "{}");
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(seen.poll()).isEqualTo("later");
    }

    @Test
    void aBodyThatIsNotAJsonObjectIs400() {
        RawHttp.Response response = RawHttp.send(base, post("application/json", 2) + "[]");
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("code").asText()).isEqualTo("malformed_json");
    }

    private static byte[] concat(String head, byte[] body) {
        byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[h.length + body.length];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(body, 0, out, h.length, body.length);
        return out;
    }
}
