package dev.ivbot.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP proxy that can black-hole its traffic: {@link #blackHole()} stops forwarding bytes
 * in both directions while every socket stays open (no reset, no FIN), as a network partition
 * looks to both ends; {@link #heal()} forwards again. Bytes read during the black hole are held,
 * not dropped, and delivered after the heal, as TCP retransmission would; new connections are
 * accepted but carry nothing until then.
 *
 * <p>Thread-safe; one thread per direction of each connection. {@link #close()} closes every socket.
 */
final class TcpProxy implements AutoCloseable {

    final int port;
    private final int targetPort;
    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private boolean blackHoled;
    private volatile boolean closed;

    TcpProxy(int targetPort) {
        this.targetPort = targetPort;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        port = server.getLocalPort();
        daemon(this::acceptLoop, "proxy-accept-" + port).start();
    }

    void blackHole() {
        synchronized (gate) {
            blackHoled = true;
        }
    }

    void heal() {
        synchronized (gate) {
            blackHoled = false;
            gate.notifyAll();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket target = new Socket();
                target.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2000);
                sockets.add(client);
                sockets.add(target);
                daemon(() -> pump(client, target), "proxy-up-" + port).start();
                daemon(() -> pump(target, client), "proxy-down-" + port).start();
            } catch (IOException e) {
                // closed, or the target refused one connection: the next accept goes on
            }
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buf = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) != -1) {
                awaitOpen();
                out.write(buf, 0, n);
                out.flush();
            }
            awaitOpen(); // the FIN, too, waits for the heal
            to.shutdownOutput();
        } catch (IOException | InterruptedException e) {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void awaitOpen() throws InterruptedException {
        synchronized (gate) {
            while (blackHoled && !closed) {
                gate.wait();
            }
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closed = true;
        heal();
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        sockets.forEach(TcpProxy::closeQuietly);
    }
}
