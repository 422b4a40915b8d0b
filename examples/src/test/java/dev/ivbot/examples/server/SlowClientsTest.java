package dev.ivbot.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Slow request bodies (a slowloris on the body): connections that send their headers and then one
 * body byte now and then. Before the body was read asynchronously each of them held one of Jetty's
 * 200 threads, so 230 of them hung {@code /api/chat} and {@code /health} for everyone (issue 17).
 * Now they hold no thread, the minimum rate ends a trickle at its next chunk and the deadline ends
 * a body that keeps up the rate but takes too long. Everything here runs on loopback and is
 * bounded in time; each test stops the server and closes every socket it opened.
 */
class SlowClientsTest {
    private static final byte[] SECRET = "slow-secret-slow-secret-slow-secret!!".getBytes(StandardCharsets.UTF_8);
    /** More connections than Jetty has threads (200). */
    private static final int SLOW_CONNECTIONS = 300;
    /** The attack of issue 17: one body byte every 5 s. */
    private static final Duration TRICKLE = Duration.ofSeconds(5);
    /** How long other users keep chatting while the slow connections hang; all inside the first trickle gap. */
    private static final Duration BUSY_PHASE = Duration.ofMillis(4_500);
    /** Not a latency figure: a turn or a health check slower than this is stuck behind the slow clients. */
    private static final Duration STUCK = Duration.ofSeconds(2);

    private static String token(String user) {
        return JWT.create().withSubject(user).withExpiresAt(Instant.now().plusSeconds(600)).sign(Algorithm.HMAC256(SECRET));
    }

    /** One slow connection and what the server sent it. */
    private static final class Slow {
        final SocketChannel channel;
        final StringBuilder received = new StringBuilder();
        boolean closedByServer;

        Slow(SocketChannel channel) {
            this.channel = channel;
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void slowBodiesHoldNoThreadAndTheServerClosesThem() throws Exception {
        ServerConfig config = ServerConfig.builder().port(0).rulesOnly().hmacSecret(SECRET).devLogin(true).build();
        List<Slow> slow = new ArrayList<>();
        ExecutorService users = Executors.newFixedThreadPool(3);
        try (ChatServer server = ChatServer.start(config); Selector selector = Selector.open()) {
            URI uri = server.uri();
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", uri.getPort());
            String attacker = token("mallory");
            for (int i = 0; i < SLOW_CONNECTIONS; i++) {
                // half on the chat API with a valid token, half on the dev login, which reads a body with none
                String head = (i % 2 == 0
                        ? "POST /api/chat HTTP/1.1\r\nAuthorization: Bearer " + attacker + "\r\n"
                        : "POST /dev/login HTTP/1.1\r\n")
                        + "Host: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{";
                SocketChannel channel = SocketChannel.open(address);
                channel.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
                channel.configureBlocking(false);
                Slow s = new Slow(channel);
                channel.register(selector, SelectionKey.OP_READ, s);
                slow.add(s);
            }
            long start = System.nanoTime();

            // other users chat and a load balancer checks /health while the slow connections hang
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
            List<Future<Integer>> done = new ArrayList<>();
            for (int u = 0; u < 3; u++) {
                String user = "user" + u;
                done.add(users.submit(() -> {
                    String bearer = "Bearer " + token(user);
                    int answered = 0;
                    while (System.nanoTime() - start < BUSY_PHASE.toNanos()) {
                        HttpRequest turn = HttpRequest.newBuilder(uri.resolve("/api/chat")).timeout(Duration.ofSeconds(5))
                                .header("Authorization", bearer).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"sessionId\": \"slow-" + user + "\", \"text\": \"年假有几天\"}")).build();
                        HttpRequest health = HttpRequest.newBuilder(uri.resolve("/health")).timeout(Duration.ofSeconds(5))
                                .GET().build();
                        for (HttpRequest r : List.of(turn, health)) {
                            long t0 = System.nanoTime();
                            try {
                                HttpResponse<String> response = client.send(r, HttpResponse.BodyHandlers.ofString());
                                long ms = (System.nanoTime() - t0) / 1_000_000;
                                if (response.statusCode() != 200 || ms > STUCK.toMillis()) {
                                    problems.add(r.uri().getPath() + " for " + user + ": " + response.statusCode()
                                            + " after " + ms + " ms");
                                }
                            } catch (IOException e) {
                                problems.add(r.uri().getPath() + " for " + user + ": " + e);
                            }
                        }
                        answered++;
                    }
                    return answered;
                }));
            }

            // the attack: one more byte every TRICKLE, until the server has closed every slow connection
            long nextTrickle = start + TRICKLE.toNanos();
            long giveUp = start + Duration.ofSeconds(25).toNanos();
            ByteBuffer read = ByteBuffer.allocate(4096);
            int open = slow.size();
            while (open > 0 && System.nanoTime() < giveUp) {
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    Slow s = (Slow) key.attachment();
                    read.clear();
                    int n;
                    try {
                        n = s.channel.read(read);
                    } catch (IOException e) {
                        n = -1; // reset by the server
                    }
                    if (n < 0) {
                        s.closedByServer = true;
                        key.cancel();
                        s.channel.close();
                        open--;
                    } else {
                        s.received.append(new String(read.array(), 0, n, StandardCharsets.ISO_8859_1));
                    }
                }
                selector.selectedKeys().clear();
                if (System.nanoTime() >= nextTrickle) {
                    for (Slow s : slow) {
                        if (s.channel.isOpen()) {
                            try {
                                s.channel.write(ByteBuffer.wrap(new byte[] {' '}));
                            } catch (IOException e) {
                                // closed by the server; the selector sees the end of the stream
                            }
                        }
                    }
                    nextTrickle += TRICKLE.toNanos();
                }
            }

            int turns = 0;
            for (Future<Integer> f : done) {
                turns += f.get(20, TimeUnit.SECONDS);
            }
            assertThat(problems).as("turns and health checks stuck behind %d slow bodies", SLOW_CONNECTIONS).isEmpty();
            assertThat(turns).as("turns answered while the slow connections hung").isGreaterThanOrEqualTo(3);
            assertThat(slow).as("every slow connection is closed by the server")
                    .allSatisfy(s -> assertThat(s.closedByServer).isTrue());
            assertThat(slow).as("with a JSON 408 saying which limit was hit").allSatisfy(s -> {
                assertThat(s.received.toString()).startsWith("HTTP/1.1 408 ")
                        .contains("\"code\":\"request_timeout\"")
                        .contains("bytes/s");
            });
        } finally {
            users.shutdownNow();
            for (Slow s : slow) {
                s.channel.close();
            }
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aBodyThatKeepsUpTheRateButDoesNotArriveInTimeIs408AtTheDeadline() throws Exception {
        Duration deadline = Duration.ofSeconds(1);
        ServerConfig config = ServerConfig.builder().port(0).rulesOnly().hmacSecret(SECRET).bodyTimeout(deadline).build();
        try (ChatServer server = ChatServer.start(config)) {
            String head = "POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token("mallory")
                    + "\r\nContent-Type: application/json\r\nContent-Length: 16000\r\n\r\n";

            // headers, then nothing: only the deadline can end it (the rate counts from the first body byte)
            long t0 = System.nanoTime();
            RawHttp.Response silent = RawHttp.send(server.uri(), head);
            long silentMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(silent.status()).as(silent.body()).isEqualTo(408);
            assertThat(silent.header("Connection")).isEqualTo("close");
            assertThat(silent.json().get("code").asText()).isEqualTo("request_timeout");
            assertThat(silent.json().get("message").asText()).isEqualTo("the body did not arrive within 1000 ms");
            assertThat(silentMs).as("ended by the 1 s deadline, not the 30 s idle timeout").isBetween(900L, 9_000L);

            // 40 bytes every 50 ms: 800 bytes/s, above the minimum rate, but 16000 bytes would take 20 s
            try (Socket socket = new Socket("127.0.0.1", server.uri().getPort())) {
                socket.setSoTimeout(50);
                socket.getOutputStream().write((head + "{\"text\": \"").getBytes(StandardCharsets.US_ASCII));
                long t1 = System.nanoTime();
                RawHttp.Response trickled = null;
                while (trickled == null && System.nanoTime() - t1 < Duration.ofSeconds(15).toNanos()) {
                    try {
                        socket.getOutputStream().write("a".repeat(40).getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        // closed by the server: its answer is waiting to be read
                    }
                    try {
                        int first = socket.getInputStream().read();
                        if (first >= 0) {
                            socket.setSoTimeout(5_000);
                            trickled = RawHttp.parse((char) first + new String(RawHttp.readAll(socket.getInputStream()),
                                    StandardCharsets.UTF_8));
                        }
                    } catch (SocketTimeoutException e) {
                        // nothing yet: keep trickling
                    }
                }
                assertThat(trickled).as("an answer while the body trickled").isNotNull();
                assertThat(trickled.status()).as(trickled.body()).isEqualTo(408);
                assertThat(trickled.json().get("message").asText()).isEqualTo("the body did not arrive within 1000 ms");
            }

            // the deadline is per request: a normal turn right after is answered
            assertThat(new TestHttp(server.uri()).post("/api/chat", token("alice"),
                    Map.of("text", "how many days of annual leave")).status()).isEqualTo(200);
        }
    }
}
