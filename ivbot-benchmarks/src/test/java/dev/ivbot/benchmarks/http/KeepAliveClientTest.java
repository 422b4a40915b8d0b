package dev.ivbot.benchmarks.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The load generator reads each framing a server uses (length, chunked with extensions and trailers) and
 * takes a server's {@code Connection: close} as an answered request, not an error.
 */
class KeepAliveClientTest {

    @Test
    void readsLengthAndChunkedBodiesOnOneConnectionAndReconnectsAfterClose() throws Exception {
        List<String> responses = List.of(
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\nX-Trailer: t\r\n\r\n",
                "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 2\r\n\r\n{}",
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Integer> served = CompletableFuture.supplyAsync(() -> serve(server, responses));
            byte[] request = KeepAliveClient.request("GET", "/x", null, null);
            try (KeepAliveClient client = new KeepAliveClient("127.0.0.1", server.getLocalPort())) {
                assertThat(client.exchange(request)).isEqualTo(200);
                assertThat(client.exchange(request)).isEqualTo(200);
                assertThat(client.exchange(request)).isEqualTo(503);
                assertThat(client.isOpen()).isTrue();
                assertThat(client.exchange(request)).isEqualTo(200);
                assertThat(client.isOpen()).isFalse();
            }
            assertThat(served.get()).isEqualTo(4);
        }
    }

    @Test
    void aResponseWithNoFramingIsAnError() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture.supplyAsync(() -> serve(server, List.of("HTTP/1.1 200 OK\r\n\r\n")));
            try (KeepAliveClient client = new KeepAliveClient("127.0.0.1", server.getLocalPort())) {
                assertThatThrownBy(() -> client.exchange(KeepAliveClient.request("GET", "/x", null, null)))
                        .isInstanceOf(IOException.class).hasMessageContaining("neither Content-Length nor chunked");
            }
        }
    }

    /** Answers each request head on one connection with the next response; returns how many it answered. */
    private static int serve(ServerSocket server, List<String> responses) {
        try (Socket socket = server.accept()) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            int answered = 0;
            for (String response : responses) {
                String line;
                while ((line = in.readLine()) != null && !line.isEmpty()) {
                    // the request's head
                }
                out.write(response.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                answered++;
            }
            return answered;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
