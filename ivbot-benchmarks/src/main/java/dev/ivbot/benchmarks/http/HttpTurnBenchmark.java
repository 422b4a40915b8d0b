package dev.ivbot.benchmarks.http;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ivbot.DialogEngine;
import dev.ivbot.Language;
import dev.ivbot.benchmarks.Latencies;
import dev.ivbot.benchmarks.RulesRedisBenchmark;
import dev.ivbot.kb.Intent;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * {@code ./ivbot bench --scenario http}: an example server's whole HTTP turn, measured from outside.
 * A {@link Launcher} starts the server in this process on a loopback port (sessions in memory or in a
 * {@code redis-server} of its own, rules or the model); the benchmark drives it with {@code clients}
 * keep-alive connections, each request a {@code POST /api/chat} with its user's JWT, which the server
 * verifies:
 *
 * <ol>
 *   <li>the server's trivial endpoint ({@link Server#barePath()}) as fast as the clients go:
 *       {@code bare_per_s}, the limit of the server's HTTP stack on this machine in this run;</li>
 *   <li>chat turns as fast as the clients go: {@code turns_per_s}, {@code p50_ms}, {@code p99_ms};
 *       {@code ratio} is {@code turns_per_s / bare_per_s};</li>
 *   <li>chat turns offered at half that rate (open loop: latency counts from each request's
 *       scheduled time, so a stall is not hidden): {@code half_p50_ms}, {@code half_p99_ms}.</li>
 * </ol>
 *
 * <p>The clients are plain sockets writing prepared request bytes and reading one response each
 * ({@link KeepAliveClient}): {@code client_cpu_share} is their share of the process's CPU time in the
 * saturated chat phase, so a reader can see whether the load generator or the server was the limit.
 *
 * <p>Not thread-safe: one {@link #run} at a time.
 */
public final class HttpTurnBenchmark {

    /** The servers a launcher can start: the servlet example and the Spring Boot example. */
    public static final List<String> SERVERS = List.of("servlet", "spring");

    /** What to measure. */
    public record Options(String server, String sessions, String classifier, @Nullable String redisUri,
            @Nullable Path modelRepository, int clients, int users, Duration warmup, Duration measure, boolean uncached) {

        public Options {
            if (!SERVERS.contains(server)) {
                throw new IllegalArgumentException("--server must be one of " + SERVERS + ", was '" + server + "'");
            }
            if (!List.of("memory", "redis").contains(sessions)) {
                throw new IllegalArgumentException("--sessions must be memory or redis, was '" + sessions + "'");
            }
            if (!List.of("rules", "model").contains(classifier)) {
                throw new IllegalArgumentException("--classifier must be rules or model, was '" + classifier + "'");
            }
            if (clients < 1 || users < 1) {
                throw new IllegalArgumentException("--threads and --users must be positive");
            }
            if (measure.isNegative() || measure.isZero() || warmup.isNegative()) {
                throw new IllegalArgumentException("--seconds must be positive");
            }
            if (classifier.equals("model") && modelRepository == null) {
                throw new IllegalArgumentException("--classifier model needs a model repository");
            }
        }
    }

    /** The figures of one run. */
    public record Result(String server, String sessions, String classifier, boolean uncached, int clients, long turns,
            double turnsPerSecond, double p50Millis, double p99Millis, long errors, double barePerSecond,
            double halfP50Millis, double halfP99Millis, long halfErrors, double clientCpuShare, long serverTurns) {

        public double ratio() {
            return barePerSecond == 0 ? 0 : turnsPerSecond / barePerSecond;
        }

        public String line() {
            return String.format(Locale.ROOT, "scenario=http server=%s sessions=%s classifier=%s uncached=%b clients=%d "
                            + "turns_per_s=%.0f p50_ms=%.3f p99_ms=%.3f errors=%d bare_per_s=%.0f ratio=%.2f "
                            + "half_rate_per_s=%.0f half_p50_ms=%.3f half_p99_ms=%.3f half_errors=%d client_cpu_share=%.2f",
                    server, sessions, classifier, uncached, clients, turnsPerSecond, p50Millis, p99Millis, errors,
                    barePerSecond, ratio(), turnsPerSecond / 2, halfP50Millis, halfP99Millis, halfErrors, clientCpuShare);
        }
    }

    /**
     * A server under test, started by a {@link Launcher}; {@link #run} closes it.
     *
     * @param uri where it listens (loopback)
     * @param engine the engine behind it: the chat turns ask its KB's examples, and its metrics count
     *     the turns it answered
     * @param tokenSigner the key of the JWTs the server accepts (a user's token has the user as subject)
     * @param barePath a trivial {@code GET} on the same HTTP stack: the limit the chat turn is compared with
     * @param stop what stops the server and releases what its launcher made
     */
    public record Server(URI uri, DialogEngine engine, Algorithm tokenSigner, String barePath, AutoCloseable stop)
            implements AutoCloseable {

        String token(String subject) {
            return JWT.create().withSubject(subject).withExpiresAt(Instant.now().plusSeconds(3600)).sign(tokenSigner);
        }

        @Override
        public void close() throws Exception {
            stop.close();
        }
    }

    /** Starts the server for the options, with sessions in {@code redisUri} when it is not null. */
    @FunctionalInterface
    public interface Launcher {
        Server start(Options options, @Nullable String redisUri) throws Exception;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public static final String USAGE = """
            Usage: ./ivbot bench --scenario http [--server servlet|spring] [--sessions memory|redis]
                                 [--classifier rules|model] [--threads N] [--users N] [--seconds S] [--warmup S]
                                 [--redis URI] [--model-repo DIR] [--uncached true]
            Starts the example server (servlet: the Jetty one; spring: the Spring Boot one, JWTs verified by Spring
            Security's resource server) on a loopback port and drives POST /api/chat with N keep-alive clients
            (default 16), each request with a JWT the server verifies, for --seconds per phase (default 10) after
            --warmup seconds of each (default a third of --seconds, at least 2; Spring's JIT needs about 30); prints
            scenario=http turns_per_s=... p50_ms=... p99_ms=... errors=... bare_per_s=... ratio=... half_p99_ms=...
            (latency at half the saturated rate).
            --sessions redis starts its own redis-server unless --redis names one; --classifier model serves the model
            in --model-repo (default $IVBOT_HOME/.ivbot/models, trained from the demo KB if it has none); --uncached true
            appends a unique number to every question, so that the classification cache never answers.""";

    private HttpTurnBenchmark() {}

    /**
     * {@code ./ivbot bench --scenario http ...} for the server {@code launcher} starts; exit status 2 on a
     * bad option (or a {@code --server} other than {@code server}), 1 if any request failed.
     */
    public static void main(String[] args, String server, Launcher launcher) throws Exception {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.println(USAGE);
            return;
        }
        Options options;
        try {
            options = parse(args);
            if (!options.server().equals(server)) {
                throw new IllegalArgumentException("this entry point runs --server " + server + ", was '"
                        + options.server() + "' (run it as ./ivbot bench --scenario http --server " + options.server() + ")");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("ivbot bench: " + e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        Result result = run(options, System.out, launcher);
        if (result.errors() + result.halfErrors() > 0) {
            System.err.println("ivbot bench: " + (result.errors() + result.halfErrors()) + " requests failed");
            System.exit(1);
        }
    }

    /** The options of {@code ./ivbot bench --scenario http ...}. */
    public static Options parse(String[] args) {
        Map<String, String> given = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("'" + a + "' is not an option with a value");
            }
            given.put(a, args[++i]);
        }
        String scenario = given.getOrDefault("--scenario", "http");
        if (!scenario.equals("http")) {
            throw new IllegalArgumentException("--scenario must be http here, was '" + scenario + "'");
        }
        for (String key : given.keySet()) {
            if (!List.of("--scenario", "--server", "--sessions", "--classifier", "--threads", "--users", "--seconds",
                    "--warmup", "--redis", "--model-repo", "--uncached").contains(key)) {
                throw new IllegalArgumentException("unknown option " + key);
            }
        }
        String home = System.getenv().getOrDefault("IVBOT_HOME", ".");
        double seconds = number(given, "--seconds", "10");
        double warmup = number(given, "--warmup", Double.toString(Math.max(2, seconds / 3)));
        return new Options(given.getOrDefault("--server", "servlet"), given.getOrDefault("--sessions", "memory"),
                given.getOrDefault("--classifier", "rules"), given.get("--redis"),
                Path.of(given.getOrDefault("--model-repo", home + "/.ivbot/models")),
                (int) number(given, "--threads", "16"), (int) number(given, "--users", "1000"),
                Duration.ofMillis((long) (warmup * 1000)), Duration.ofMillis((long) (seconds * 1000)),
                Boolean.parseBoolean(given.getOrDefault("--uncached", "false")));
    }

    private static double number(Map<String, String> given, String option, String defaultValue) {
        String v = given.getOrDefault(option, defaultValue);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a number, was '" + v + "'");
        }
    }

    /**
     * Starts a {@code redis-server} of its own if the options want Redis sessions and name none, starts
     * the server, runs the three phases (progress and the result line to {@code out}), and closes both.
     */
    public static Result run(Options options, PrintStream out, Launcher launcher) throws Exception {
        RulesRedisBenchmark.LocalRedis redis = null;
        String redisUri = options.redisUri();
        try {
            if (options.sessions().equals("redis") && redisUri == null) {
                redis = RulesRedisBenchmark.LocalRedis.start(null);
                redisUri = "redis://127.0.0.1:" + redis.port();
                out.println("started redis-server on port " + redis.port());
            }
            try (Server server = launcher.start(options, redisUri)) {
                return measure(server, options, out);
            }
        } finally {
            if (redis != null) {
                redis.close();
            }
        }
    }

    private static Result measure(Server server, Options options, PrintStream out) throws Exception {
        URI uri = server.uri();
        List<String> questions = new ArrayList<>();
        for (Intent intent : server.engine().knowledgeBase().intents().values()) {
            for (Language language : Language.values()) {
                questions.addAll(intent.examples(language));
            }
        }
        String[] tokens = new String[options.users()];
        for (int u = 0; u < tokens.length; u++) {
            tokens[u] = server.token("bench-user-" + u);
        }
        byte[][] bodies = new byte[questions.size()][];
        for (int q = 0; q < bodies.length; q++) {
            bodies[q] = JSON.writeValueAsBytes(Map.of("text", questions.get(q)));
        }
        AtomicLong sequence = new AtomicLong();
        RequestSource chat = (random, client) -> {
            int user = random.nextInt(tokens.length);
            if (options.uncached()) {
                // a number no other turn has: the classification cache never answers, every turn is classified
                String q = questions.get(random.nextInt(questions.size())) + " " + sequence.incrementAndGet();
                return KeepAliveClient.request("POST", "/api/chat", tokens[user],
                        JSON.writeValueAsBytes(Map.of("sessionId", "b" + user, "text", q)));
            }
            byte[] text = bodies[random.nextInt(bodies.length)];
            // {"text":...} becomes {"sessionId":"b<user>","text":...}: one session per user
            byte[] session = ("{\"sessionId\":\"b" + user + "\",").getBytes(StandardCharsets.US_ASCII);
            byte[] body = new byte[session.length + text.length - 1];
            System.arraycopy(session, 0, body, 0, session.length);
            System.arraycopy(text, 1, body, session.length, text.length - 1);
            return KeepAliveClient.request("POST", "/api/chat", tokens[user], body);
        };
        byte[] bareRequest = KeepAliveClient.request("GET", server.barePath(), null, null);
        RequestSource bare = (random, client) -> bareRequest;

        double warm = options.warmup().toMillis() / 1000.0;
        out.printf(Locale.ROOT, "bench http: %s server on %s, %s sessions, %s, %d clients, %d users, "
                + "%.0f s per phase (+ %.0f s warm-up)%n", options.server(), uri, options.sessions(), options.classifier(),
                options.clients(), options.users(), options.measure().toMillis() / 1000.0, warm);
        long serverTurnsBefore = server.engine().metrics().turns();
        if (warm > 0) {
            drive(uri, options.clients(), warm, 0, bare);
            drive(uri, options.clients(), warm, 0, chat);
        }
        double seconds = options.measure().toMillis() / 1000.0;
        // the saturated phases alternate in slices of at most a second, so that a machine whose speed
        // drifts during the run (a shared VM) slows both alike and the ratio stays fair
        int slices = (int) Math.max(1, Math.ceil(seconds));
        List<Phase> bareSlices = new ArrayList<>();
        List<Phase> chatSlices = new ArrayList<>();
        for (int i = 0; i < slices; i++) {
            bareSlices.add(drive(uri, options.clients(), seconds / slices, 0, bare));
            chatSlices.add(drive(uri, options.clients(), seconds / slices, 0, chat));
        }
        Phase bareRun = Phase.merge(bareSlices);
        out.println("bare: " + bareRun);
        Phase chatRun = Phase.merge(chatSlices);
        out.println("chat, saturated: " + chatRun);
        Phase half = drive(uri, options.clients(), seconds, chatRun.perSecond() / 2, chat);
        out.println("chat, half rate: " + half);
        long serverTurns = server.engine().metrics().turns() - serverTurnsBefore;
        Result result = new Result(options.server(), options.sessions(), options.classifier(), options.uncached(),
                options.clients(), chatRun.requests(), chatRun.perSecond(), chatRun.p50Millis(), chatRun.p99Millis(),
                chatRun.errors(), bareRun.perSecond(), half.p50Millis(), half.p99Millis(), half.errors(),
                chatRun.clientCpuShare(), serverTurns);
        out.println(result.line());
        return result;
    }

    /** The next request's bytes for a client. */
    @FunctionalInterface
    interface RequestSource {
        byte[] next(SplittableRandom random, int client) throws IOException;
    }

    record Phase(long requests, double seconds, long[] sortedNanos, long errors, @Nullable String firstError,
            long clientCpuNanos, long processCpuNanos) {
        double perSecond() {
            return requests / seconds;
        }

        double p50Millis() {
            return Latencies.percentileMillis(sortedNanos, 50);
        }

        double p99Millis() {
            return Latencies.percentileMillis(sortedNanos, 99);
        }

        double clientCpuShare() {
            return processCpuNanos <= 0 ? 0 : Math.min(1, (double) clientCpuNanos / processCpuNanos);
        }

        static Phase merge(List<Phase> phases) {
            long requests = 0;
            double seconds = 0;
            long errors = 0;
            long clientCpu = 0;
            long processCpu = 0;
            @Nullable String firstError = null;
            int n = 0;
            for (Phase p : phases) {
                requests += p.requests;
                seconds += p.seconds;
                errors += p.errors;
                if (firstError == null) {
                    firstError = p.firstError;
                }
                clientCpu += p.clientCpuNanos;
                processCpu += p.processCpuNanos;
                n += p.sortedNanos.length;
            }
            long[] all = new long[n];
            int pos = 0;
            for (Phase p : phases) {
                System.arraycopy(p.sortedNanos, 0, all, pos, p.sortedNanos.length);
                pos += p.sortedNanos.length;
            }
            Arrays.sort(all);
            return new Phase(requests, seconds, all, errors, firstError, clientCpu, processCpu);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d requests in %.1f s (%.0f/s), p50 %.3f ms, p99 %.3f ms, %d errors, "
                    + "clients used %.0f%% of the process's CPU, the rest %.1f µs per request", requests, seconds,
                    perSecond(), p50Millis(), p99Millis(), errors, clientCpuShare() * 100,
                    requests == 0 ? 0 : (processCpuNanos - clientCpuNanos) / 1e3 / requests)
                    + (firstError == null ? "" : " (first error: " + firstError + ")");
        }
    }

    /**
     * {@code clients} threads, each on its own keep-alive connection, for {@code seconds}; closed
     * loop when {@code offeredPerSecond} is 0, else each sends at its share of that rate.
     */
    static Phase drive(URI uri, int clients, double seconds, double offeredPerSecond, RequestSource source)
            throws InterruptedException {
        long[][] latencies = new long[clients][];
        int[] counts = new int[clients];
        long[] cpuNanos = new long[clients];
        AtomicLong errors = new AtomicLong();
        AtomicReference<@Nullable String> firstError = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        long durationNanos = (long) (seconds * 1e9);
        long[] startedAt = new long[1];
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < clients; t++) {
            int client = t;
            Thread thread = new Thread(() -> {
                SplittableRandom random = new SplittableRandom(4321L + client);
                long[] mine = new long[1 << 14];
                int n = 0;
                double intervalNanos = offeredPerSecond > 0 ? clients * 1e9 / offeredPerSecond : 0;
                KeepAliveClient connection = null;
                long cpuStart = threads.getCurrentThreadCpuTime();
                try {
                    start.await();
                    long begin = startedAt[0];
                    long end = begin + durationNanos;
                    // spread the open-loop clients over one interval so they do not send in step
                    long next = begin + (long) (intervalNanos * client / clients);
                    while (true) {
                        long now = System.nanoTime();
                        if (now >= end) {
                            break;
                        }
                        if (intervalNanos > 0) {
                            if (next >= end) {
                                break;
                            }
                            long wait = next - now;
                            if (wait > 0) {
                                java.util.concurrent.locks.LockSupport.parkNanos(wait);
                            }
                            now = next;
                            next += (long) intervalNanos;
                        }
                        try {
                            byte[] request = source.next(random, client);
                            if (connection == null) {
                                connection = new KeepAliveClient(uri.getHost(), uri.getPort());
                            }
                            int status = connection.exchange(request);
                            if (status != 200) {
                                errors.incrementAndGet();
                                firstError.compareAndSet(null, "HTTP status " + status);
                            }
                            if (!connection.isOpen()) {
                                connection = null;
                            }
                        } catch (IOException e) {
                            errors.incrementAndGet();
                            firstError.compareAndSet(null, e.toString());
                            if (connection != null) {
                                connection.close();
                            }
                            connection = null;
                        }
                        if (n == mine.length) {
                            mine = Arrays.copyOf(mine, n * 2);
                        }
                        mine[n++] = System.nanoTime() - now;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    if (connection != null) {
                        connection.close();
                    }
                    latencies[client] = mine;
                    counts[client] = n;
                    cpuNanos[client] = threads.getCurrentThreadCpuTime() - cpuStart;
                }
            }, "http-bench-" + t);
            workers.add(thread);
            thread.start();
        }
        long processCpuBefore = processCpuNanos();
        startedAt[0] = System.nanoTime();
        start.countDown();
        for (Thread thread : workers) {
            thread.join();
        }
        double elapsed = (System.nanoTime() - startedAt[0]) / 1e9;
        long processCpu = processCpuNanos() - processCpuBefore;
        int total = 0;
        long clientCpu = 0;
        for (int c = 0; c < clients; c++) {
            total += counts[c];
            clientCpu += cpuNanos[c];
        }
        long[] all = new long[total];
        int pos = 0;
        for (int c = 0; c < clients; c++) {
            System.arraycopy(latencies[c], 0, all, pos, counts[c]);
            pos += counts[c];
        }
        Arrays.sort(all);
        return new Phase(total, elapsed, all, errors.get(), firstError.get(), clientCpu, processCpu);
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }

}
