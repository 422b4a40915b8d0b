package dev.ivbot.spring;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One real {@code redis-server} (Debian's, on the PATH) on a free loopback port, without persistence;
 * {@link #close()} kills it. Not thread-safe: one per test class. Shipped in this module's test-jar.
 */
public final class RedisServer implements AutoCloseable {
    public final int port;
    private final Process process;

    public RedisServer() throws IOException, InterruptedException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path dir = Files.createTempDirectory("ivbot-spring-redis");
        process = new ProcessBuilder(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--loglevel", "warning"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        awaitPong();
    }

    /** Polls PING until the server answers (it binds within milliseconds); fails if the process dies. */
    private void awaitPong() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("redis-server exited with " + process.exitValue());
            }
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                socket.getOutputStream().write("PING\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                byte[] pong = new byte[7];
                if (socket.getInputStream().readNBytes(pong, 0, 7) == 7) {
                    return;
                }
            } catch (IOException notYet) {
                Thread.onSpinWait();
            }
        }
        throw new IOException("redis-server on port " + port + " did not answer within 10 s");
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }
}
