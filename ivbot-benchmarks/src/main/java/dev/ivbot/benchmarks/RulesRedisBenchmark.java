package dev.ivbot.benchmarks;

import dev.ivbot.ChatRequest;
import dev.ivbot.DialogEngine;
import dev.ivbot.Reply;
import dev.ivbot.redis.RedisSessionStore;
import dev.ivbot.redis.RedisSessionStoreOptions;
import dev.ivbot.redis.internal.SaveScript;
import dev.ivbot.redis.internal.UserSessions;
import dev.ivbot.spi.SessionStore;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The {@code rules-redis} benchmark: many sessions driven through a {@link DialogEngine} whose
 * sessions live in Redis, and, against the same server in the same run, {@code redis-benchmark}
 * sending the store's commands per turn ({@code EVALSHA} of the save script, plus {@code HGETALL} of
 * a session for the share of turns whose load the near cache did not answer) pipelined on one
 * connection as the store's single Lettuce connection pipelines them. The
 * last line printed is
 * {@code scenario=rules-redis turns_per_s=… p50_ms=… p99_ms=… errors=… redis_benchmark_per_s=… ratio=…},
 * where {@code redis_benchmark_per_s} is the turn rate Redis alone sustains for those two commands
 * ({@code 1 / (loads_per_turn/hgetall_rate + 1/evalsha_rate)}).
 *
 * <p>Without a URI it starts its own {@code redis-server} (from the PATH) on a free loopback port
 * and stops it afterwards. {@code redis-benchmark} (Debian {@code redis-tools}) is optional: without
 * it the comparison fields print {@code n/a}.
 *
 * <p>Not thread-safe: one run at a time per instance.
 */
public final class RulesRedisBenchmark {

    /** Settings of one run. Immutable and thread-safe. */
    public record Config(@Nullable String redisUri, int threads, int sessions, Duration warmup, Duration measure,
            int redisBenchmarkRequests, int replicaAcks) {

        /**
         * 2 s warm-up, 10 s measured, 32 turns in flight, 10,000 sessions, a server of its own,
         * replica acks off.
         */
        public static Config defaults() {
            return new Config(null, 32, 10_000, Duration.ofSeconds(2), Duration.ofSeconds(10), 400_000, 0);
        }

        public Config withRedisUri(@Nullable String uri) {
            return new Config(uri, threads, sessions, warmup, measure, redisBenchmarkRequests, replicaAcks);
        }

        public Config withThreads(int n) {
            return new Config(redisUri, n, sessions, warmup, measure, redisBenchmarkRequests, replicaAcks);
        }

        public Config withDurations(Duration warm, Duration measured) {
            return new Config(redisUri, threads, sessions, warm, measured, redisBenchmarkRequests, replicaAcks);
        }

        public Config withRedisBenchmarkRequests(int n) {
            return new Config(redisUri, threads, sessions, warmup, measure, n, replicaAcks);
        }

        /**
         * Replicas each save waits for ({@code WAIT}); with its own server the benchmark then starts
         * that many replicas of it. With {@link #redisUri()} the server must have them.
         */
        public Config withReplicaAcks(int n) {
            return new Config(redisUri, threads, sessions, warmup, measure, redisBenchmarkRequests, n);
        }
    }

    /** What one run measured. */
    public record Result(long turns, double turnsPerSecond, double p50Millis, double p99Millis, long errors,
            double redisBenchmarkPerSecond, double ratio, int replicaAcks) {

        /** The summary line the CLI prints last. */
        public String line() {
            return String.format(java.util.Locale.ROOT,
                    "scenario=rules-redis turns_per_s=%.0f p50_ms=%.3f p99_ms=%.3f errors=%d redis_benchmark_per_s=%s ratio=%s"
                            + " replica_acks=%d",
                    turnsPerSecond, p50Millis, p99Millis, errors,
                    Double.isNaN(redisBenchmarkPerSecond) ? "n/a" : String.format(java.util.Locale.ROOT, "%.0f", redisBenchmarkPerSecond),
                    Double.isNaN(ratio) ? "n/a" : String.format(java.util.Locale.ROOT, "%.2f", ratio), replicaAcks);
        }
    }

    private static final String[] QUESTIONS = {"年假有几天", "那病假呢", "面试有几轮", "工资多少", "how many vacation days",
        "and sick leave?", "what is the salary", "校招面试有几轮", "实习生有年假吗", "sick leave for interns"};

    private RulesRedisBenchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param engineFactory builds the engine under test around the given store (the CLI passes the
     *     demo KB and the rule classifier); the benchmark closes the engine, then the store
     */
    public static Result run(Config config, Function<SessionStore, DialogEngine> engineFactory, PrintStream out)
            throws IOException, InterruptedException {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(engineFactory, "engineFactory");
        List<LocalRedis> local = new ArrayList<>();
        String uri = config.redisUri();
        try {
            if (uri == null) {
                LocalRedis master = LocalRedis.start(null);
                local.add(master);
                uri = "redis://127.0.0.1:" + master.port;
                out.println("started redis-server on port " + master.port);
                for (int r = 0; r < config.replicaAcks(); r++) {
                    LocalRedis replica = LocalRedis.start(master.port);
                    local.add(replica);
                    replica.awaitSynced();
                    out.println("started its replica on port " + replica.port);
                }
            }
            Result engineResult;
            double loadsPerTurn;
            double indexPerTurn;
            // every bench session belongs to one user: a cap below the session count would evict them
            try (RedisSessionStore store = RedisSessionStore.builder().uri(uri)
                    .options(RedisSessionStoreOptions.builder().replicaAcks(config.replicaAcks())
                            .maximumSessionsPerUser(Math.max(config.sessions(),
                                    RedisSessionStoreOptions.DEFAULT_MAXIMUM_SESSIONS_PER_USER)).build()).build();
                    DialogEngine engine = engineFactory.apply(store)) {
                engineResult = drive(engine, config, out);
                out.println("store " + store.metrics());
                long saves = Math.max(1, store.metrics().savedCount());
                // loads the near cache did not answer went to Redis as HGETALL
                loadsPerTurn = Math.max(0, Math.min(1, 1 - (double) store.metrics().nearCacheHitCount() / saves));
                indexPerTurn = Math.min(1, (double) store.metrics().indexUpdateCount() / saves);
            }
            double rb = redisBenchmark(uri, config, loadsPerTurn, indexPerTurn, out);
            double ratio = Double.isNaN(rb) ? Double.NaN : engineResult.turnsPerSecond() / rb;
            Result result = new Result(engineResult.turns(), engineResult.turnsPerSecond(), engineResult.p50Millis(),
                    engineResult.p99Millis(), engineResult.errors(), rb, ratio, config.replicaAcks());
            out.println(result.line());
            return result;
        } finally {
            for (int i = local.size() - 1; i >= 0; i--) {
                local.get(i).close();
            }
        }
    }

    /** One user for every bench session, so that the store keys are {@code ivbot:{<user hash>:b<n>}} for redis-benchmark. */
    static final String BENCH_USER = "bench-user";

    /** The session id of bench session {@code i}: its key matches redis-benchmark's {@code __rand_int__}. */
    static String sessionId(int i) {
        return String.format("b%012d", i);
    }

    /**
     * Keeps {@code config.threads()} turns in flight through {@link DialogEngine#chatAsync}: one thread
     * issues turns while a window has room, and each turn continues on the thread that completes its
     * Redis command, so no thread blocks per turn (as in an async servlet host).
     */
    private static Result drive(DialogEngine engine, Config config, PrintStream out) throws InterruptedException {
        int window = config.threads();
        Semaphore inFlight = new Semaphore(window);
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicLong errors = new AtomicLong();
        // completions run on whichever thread finishes a turn: each takes its own slot
        long[] latencies = new long[(int) Math.min(50_000_000L, Math.max(1 << 16, config.measure().toSeconds() * 500_000L))];
        AtomicLong recorded = new AtomicLong();
        long warmupEnd = System.nanoTime() + config.warmup().toNanos();
        long end = warmupEnd + config.measure().toNanos();
        long begin = 0;
        long i = 0;
        while (true) {
            long now = System.nanoTime();
            if (now >= end) {
                break;
            }
            if (begin == 0 && now >= warmupEnd) {
                errors.set(0);
                begin = now;
                measuring.set(true);
            }
            if (!inFlight.tryAcquire(10, TimeUnit.MILLISECONDS)) {
                continue;
            }
            int session = (int) (i % config.sessions());
            String text = QUESTIONS[(int) ((i / config.sessions()) % QUESTIONS.length)];
            i++;
            long start = System.nanoTime();
            boolean measured = measuring.get();
            engine.chatAsync(ChatRequest.of(BENCH_USER, sessionId(session), text)).whenComplete((r, e) -> {
                if (e != null || r.turn() == 0) {
                    errors.incrementAndGet();
                }
                if (measured) {
                    long slot = recorded.getAndIncrement();
                    if (slot < latencies.length) {
                        latencies[(int) slot] = System.nanoTime() - start;
                    }
                }
                inFlight.release();
            });
        }
        measuring.set(false);
        inFlight.acquire(window); // let the last turns finish
        long elapsed = System.nanoTime() - begin;
        int total = (int) Math.min(recorded.get(), latencies.length);
        long[] all = Arrays.copyOf(latencies, total);
        Arrays.sort(all);
        double p50 = total == 0 ? Double.NaN : all[(int) (total * 0.50)] / 1e6;
        double p99 = total == 0 ? Double.NaN : all[Math.min(total - 1, (int) (total * 0.99))] / 1e6;
        double rate = recorded.get() / (elapsed / 1e9);
        out.printf(java.util.Locale.ROOT, "engine: %d turns in %.1f s, %d in flight (chatAsync), %d sessions%n",
                recorded.get(), elapsed / 1e9, window, config.sessions());
        return new Result(recorded.get(), rate, p50, p99, errors.get(), Double.NaN, Double.NaN, config.replicaAcks());
    }

    /** redis-benchmark: HGETALL of the bench sessions and EVALSHA of the save script, pipelined on one connection. */
    private static double redisBenchmark(String uri, Config config, double loadsPerTurn, double indexPerTurn,
            PrintStream out)
            throws IOException, InterruptedException {
        Path tool = onPath("redis-benchmark");
        if (tool == null) {
            out.println("redis-benchmark not on the PATH: no comparison");
            return Double.NaN;
        }
        java.net.URI u = java.net.URI.create(uri);
        String host = u.getHost() == null ? "127.0.0.1" : u.getHost();
        String port = Integer.toString(u.getPort() < 0 ? 6379 : u.getPort());
        String depth = Integer.toString(config.threads());
        String n = Integer.toString(config.redisBenchmarkRequests());
        List<String> common = List.of(tool.toString(), "-h", host, "-p", port, "-n", n, "-c", "1", "-P", depth, "-q");
        List<String> hgetall = new ArrayList<>(common);
        hgetall.addAll(List.of("-r", Integer.toString(config.sessions()), "HGETALL",
                RedisSessionStore.keyOf(DialogEngine.storeSessionId(BENCH_USER, "b__rand_int__"))));
        List<String> evalsha = new ArrayList<>(common);
        // fresh keys (a 10^9 key space): every call takes the script's write path, as a turn's save does
        evalsha.addAll(List.of("-r", "1000000000", "EVALSHA", SaveScript.SHA1, "1", "ivbot:{rb__rand_int__}", "0",
                "600000", "w.__rand_int__", "sid", "rb", "user", "user-1", "ver", "1", "turns", "1", "intent",
                "leave_policy", "lang", "zh", "slots", "leave_type=annual", "recent", "1\tleave_policy\t年假有几天\n",
                "created", "1700000000000", "updated", "1700000000000"));
        List<String> index = new ArrayList<>(common);
        // the per-user index script each save is followed by (one user's set, as in the engine run)
        index.addAll(List.of("-r", Integer.toString(config.sessions()), "EVALSHA", UserSessions.SHA1, "1",
                "ivbot:u:{rb}", "b__rand_int__", "600000", Integer.toString(Math.max(config.sessions(), 100)), "10000"));
        double h = runTool(hgetall, out);
        double e = runTool(evalsha, out);
        double x = runTool(index, out);
        if (Double.isNaN(h) || Double.isNaN(e) || Double.isNaN(x)) {
            return Double.NaN;
        }
        // the same commands per turn as the store sent: one EVALSHA of the save, the user index's
        // script for the share of turns that updated it, and an HGETALL for the share of turns
        // whose load was not answered by the near cache. Not the store's WAIT (one per group of
        // saves, see ReplicaAcks): its cost is what comparing runs with replica acks 0 and 1 shows
        double perTurn = 1 / (loadsPerTurn / h + 1 / e + indexPerTurn / x);
        out.printf(java.util.Locale.ROOT, "redis-benchmark: HGETALL %.0f/s, EVALSHA save %.0f/s, EVALSHA index %.0f/s"
                + " -> %.0f turns/s at %.2f HGETALL and %.2f index per turn (pipeline %s, 1 connection)%n", h, e, x,
                perTurn, loadsPerTurn, indexPerTurn, depth);
        out.println("redis-benchmark command: " + String.join(" ", evalsha).replace("\n", "\\n").replace("\t", "\\t"));
        return perTurn;
    }

    private static double runTool(List<String> command, PrintStream out) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Matcher m = Pattern.compile("([0-9]+(?:\\.[0-9]+)?) requests per second").matcher(text);
        double last = Double.NaN;
        while (m.find()) {
            last = Double.parseDouble(m.group(1));
        }
        if (Double.isNaN(last)) {
            out.println("redis-benchmark gave no rate: " + text.strip());
        }
        return last;
    }

    private static @Nullable Path onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * A redis-server of the benchmark's own, without persistence, on a free loopback port (also
     * used by the example server's HTTP benchmark). The caller that starts it closes it.
     *
     * <p>Thread-safe.
     */
    public static final class LocalRedis implements AutoCloseable {
        final int port;
        final Process process;

        private LocalRedis(int port, Process process) {
            this.port = port;
            this.process = process;
        }

        /** The loopback port it listens on. */
        public int port() {
            return port;
        }

        /** A server, or a replica of the one on {@code replicaOf}. */
        public static LocalRedis start(@Nullable Integer replicaOf) throws IOException, InterruptedException {
            Path server = onPath("redis-server");
            if (server == null) {
                throw new IOException("redis-server is not on the PATH; install redis-server or pass --redis URI");
            }
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            List<String> command = new ArrayList<>(List.of(server.toString(), "--port", Integer.toString(port), "--bind",
                    "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no",
                    // a full resync writes no RDB file: nothing lands in the working directory
                    "--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0", "--repl-diskless-load",
                    "on-empty-db"));
            if (replicaOf != null) {
                command.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(replicaOf)));
            }
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    return new LocalRedis(port, p);
                } catch (IOException e) {
                    if (System.nanoTime() > deadline || !p.isAlive()) {
                        p.destroyForcibly();
                        throw new IOException("redis-server did not start on port " + port, e);
                    }
                    Thread.sleep(20);
                }
            }
        }

        /** Waits until this replica's link to its master is up (INFO replication over a plain socket). */
        void awaitSynced() throws IOException, InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (true) {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    s.setSoTimeout(2000);
                    s.getOutputStream().write("INFO replication\r\nQUIT\r\n".getBytes(StandardCharsets.UTF_8));
                    String info = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    if (info.contains("master_link_status:up")) {
                        return;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("the replica on port " + port + " did not sync");
                }
                Thread.sleep(50);
            }
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
