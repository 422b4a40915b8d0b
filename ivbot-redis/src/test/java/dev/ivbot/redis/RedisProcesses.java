package dev.ivbot.redis;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Real Redis processes on loopback ports for integration tests: Debian's {@code redis-server} when
 * it is on the PATH, else the Linux binary inside {@code com.github.codemonstur:embedded-redis},
 * extracted and executed directly (its API covers neither Sentinel nor Cluster). Sentinels run
 * as {@code redis-server <conf> --sentinel}. No Docker.
 *
 * <p>Not thread-safe; one instance per test class. {@link #close()} kills every process it started.
 */
final class RedisProcesses implements AutoCloseable {

    private static volatile Path binary;

    private final Path dir;
    private final List<Node> nodes = new ArrayList<>();

    RedisProcesses() {
        try {
            this.dir = Files.createTempDirectory("ivbot-redis-test");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One redis-server or sentinel process. */
    final class Node {
        final int port;
        final List<String> args;
        Process process;

        Node(int port, List<String> args) {
            this.port = port;
            this.args = args;
        }

        String uri() {
            return "redis://127.0.0.1:" + port;
        }

        /** SIGKILL: no shutdown, no final replication. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
        }

        /** SIGSTOP: the process stops answering but its sockets stay open, as behind a network partition. */
        void freeze() {
            signal("STOP");
        }

        /** SIGCONT after {@link #freeze()}. */
        void thaw() {
            signal("CONT");
        }

        private void signal(String name) {
            try {
                Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
                if (kill.waitFor() != 0) {
                    throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** Starts the process again on the same port and arguments (no data: persistence is off). */
        void restart() {
            // no persistence: a restarted node is empty, whatever replication wrote to disk before
            try {
                Files.deleteIfExists(dir.resolve(rdbFile(port)));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            start(this);
        }

        boolean isAlive() {
            return process != null && process.isAlive();
        }
    }

    static synchronized Path redisServer() {
        if (binary != null) {
            return binary;
        }
        for (String dirName : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dirName.isEmpty() ? "." : dirName, "redis-server");
            if (Files.isExecutable(candidate)) {
                binary = candidate;
                return binary;
            }
        }
        String arch = System.getProperty("os.arch").contains("aarch64") ? "redis-server-6.2.7-linux-arm64"
                : "redis-server-6.2.6-v5-linux-amd64";
        try (InputStream in = RedisProcesses.class.getClassLoader().getResourceAsStream(arch)) {
            if (in == null) {
                throw new IllegalStateException("no redis-server on the PATH and no " + arch + " in embedded-redis");
            }
            Path file = Files.createTempFile("redis-server", "");
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            file.toFile().setExecutable(true);
            file.toFile().deleteOnExit();
            binary = file;
            return binary;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A free port whose cluster bus port (+10000) is free too: a node whose bus port a client's
     * ephemeral port holds aborts at start ("Failed listening on port ... (cluster)").
     */
    static int freeClusterPort() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = freePort();
            if (port + 10000 > 65535) {
                continue;
            }
            try (ServerSocket bus = new ServerSocket(port + 10000, 1, java.net.InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IllegalStateException("no free port pair for a cluster node");
    }

    private static String rdbFile(int port) {
        return "dump-" + port + ".rdb";
    }

    /** A plain server without persistence. */
    Node server(String... extra) {
        return serverOn(freePort(), extra);
    }

    /** A plain server without persistence on {@code port} (e.g. one a proxy forwards to). */
    Node serverOn(int port, String... extra) {
        List<String> args = new ArrayList<>(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--protected-mode", "no", "--dir", dir.toString(),
                // its own RDB file: replication writes one (full syncs), and a node restarted on a shared
                // dump.rdb would come back with a stale snapshot instead of empty
                "--dbfilename", rdbFile(port),
                "--logfile", dir.resolve("redis-" + port + ".log").toString()));
        args.addAll(List.of(extra));
        Node node = new Node(port, args);
        start(node);
        return node;
    }

    /** A replica of {@code master}. */
    Node replica(Node master) {
        return server("--replicaof", "127.0.0.1", Integer.toString(master.port));
    }

    /** A sentinel watching {@code master} as {@code name} with quorum 2 and fast failover settings. */
    Node sentinel(String name, Node master) {
        return sentinel(name, master.port);
    }

    /** A sentinel watching the master at {@code masterPort} (a proxy's, say); settings as above. */
    Node sentinel(String name, int masterPort) {
        int port = freePort();
        Path conf = dir.resolve("sentinel-" + port + ".conf");
        String text = "port " + port + "\nbind 127.0.0.1\nprotected-mode no\ndir " + dir + "\n"
                + "logfile " + dir.resolve("sentinel-" + port + ".log") + "\n"
                + "sentinel monitor " + name + " 127.0.0.1 " + masterPort + " 2\n"
                + "sentinel down-after-milliseconds " + name + " 1000\n"
                + "sentinel failover-timeout " + name + " 4000\n"
                + "sentinel parallel-syncs " + name + " 1\n";
        try {
            Files.writeString(conf, text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Node node = new Node(port, List.of(conf.toString(), "--sentinel"));
        start(node);
        return node;
    }

    /** A cluster-enabled server (node timeout 1 s). */
    Node clusterNode() {
        int port = freeClusterPort();
        return serverOn(port, "--cluster-enabled", "yes",
                "--cluster-config-file", dir.resolve("nodes-" + port + ".conf").toString(),
                "--cluster-node-timeout", "1000");
    }

    private void start(Node node) {
        List<String> command = new ArrayList<>();
        command.add(redisServer().toString());
        command.addAll(node.args);
        try {
            node.process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("stdout-" + node.port + ".log").toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + command, e);
        }
        if (!nodes.contains(node)) {
            nodes.add(node);
        }
        awaitCondition(Duration.ofSeconds(10), () -> "PONG".equals(command(node.port, "PING")),
                "redis on port " + node.port + " to answer PING");
    }

    /** The port of the master a sentinel names ({@code SENTINEL GET-MASTER-ADDR-BY-NAME}), or null. */
    static String sentinelMasterPort(int sentinelPort, String name) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", sentinelPort), 500);
            s.setSoTimeout(2000);
            String req = "*3\r\n$8\r\nSENTINEL\r\n$23\r\nGET-MASTER-ADDR-BY-NAME\r\n$" + name.length() + "\r\n" + name
                    + "\r\n";
            s.getOutputStream().write(req.getBytes(StandardCharsets.UTF_8));
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                    StandardCharsets.UTF_8));
            // *2, $len, ip, $len, port
            for (int i = 0; i < 4; i++) {
                if (in.readLine() == null) {
                    return null;
                }
            }
            return in.readLine();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * {@code SENTINEL MASTER name} as field to value ({@code flags}, {@code last-ok-ping-reply}, ...),
     * empty if the sentinel does not answer.
     */
    static java.util.Map<String, String> sentinelMaster(int sentinelPort, String name) {
        java.util.Map<String, String> fields = new java.util.HashMap<>();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", sentinelPort), 500);
            s.setSoTimeout(2000);
            String req = "*3\r\n$8\r\nSENTINEL\r\n$6\r\nMASTER\r\n$" + name.length() + "\r\n" + name + "\r\n";
            s.getOutputStream().write(req.getBytes(StandardCharsets.UTF_8));
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                    StandardCharsets.UTF_8));
            String head = in.readLine();
            if (head == null || !head.startsWith("*")) {
                return fields;
            }
            int n = Integer.parseInt(head.substring(1));
            for (int i = 0; i + 1 < n; i += 2) {
                in.readLine();
                String key = in.readLine();
                in.readLine();
                fields.put(key, in.readLine());
            }
        } catch (IOException | RuntimeException e) {
            fields.clear();
        }
        return fields;
    }

    /** One inline command over a plain socket; the first line of the reply without its type byte. */
    static String command(int port, String... words) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            s.setSoTimeout(2000);
            StringBuilder req = new StringBuilder("*" + words.length + "\r\n");
            for (String w : words) {
                req.append('$').append(w.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(w).append("\r\n");
            }
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            if (line.length() > 0 && line.charAt(0) == '$') {
                int len = Integer.parseInt(line.substring(1));
                if (len < 0) {
                    return null;
                }
                byte[] data = in.readNBytes(len);
                return new String(data, StandardCharsets.UTF_8);
            }
            return line.length() == 0 ? "" : line.substring(1);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Awaits {@code condition} (a reply of a server, a figure of the store) until it holds, or fails
     * with {@code what} after {@code timeout}.
     */
    static void awaitCondition(Duration timeout, Callable<Boolean> condition, String what) {
        await(what).atMost(timeout).pollInterval(Duration.ofMillis(20)).until(condition);
    }

    Path dir() {
        return dir;
    }

    @Override
    public void close() {
        for (Node n : nodes) {
            if (n.process != null) {
                n.process.destroyForcibly();
            }
        }
        for (Node n : nodes) {
            try {
                if (n.process != null) {
                    n.process.waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
