package dev.ivbot.examples.server;

import dev.ivbot.onnx.CanaryPolicy;
import dev.ivbot.redis.RedisSessionStoreOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * The chat server's settings, read once at start-up from environment variables and system
 * properties. A system property ({@code -Divbot.port=9090}, the variable's name in lower case with
 * dots for underscores) overrides the environment variable ({@code IVBOT_PORT=9090}).
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>variable</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>IVBOT_HOST</td><td>127.0.0.1</td><td>interface to listen on ({@code 0.0.0.0} for all)</td></tr>
 *   <tr><td>IVBOT_PORT</td><td>8080</td><td>HTTP port; 0 picks a free one</td></tr>
 *   <tr><td>IVBOT_KB</td><td>{@code $IVBOT_HOME/examples/hr-demo-kb} when {@code IVBOT_HOME} is set (the
 *       {@code ./ivbot} launcher sets it), else the demo KB on the classpath</td><td>KB folder, reloaded when its
 *       files change</td></tr>
 *   <tr><td>IVBOT_REDIS_URI</td><td>in-memory sessions</td><td>{@code redis://}, {@code redis-sentinel://} or
 *       {@code redis-cluster://host:port,host:port} URI of the session store</td></tr>
 *   <tr><td>IVBOT_REDIS_FAILOVER_BUFFER_MS</td><td>5000</td><td>how long a turn's save may wait for a Redis master
 *       before the busy reply (503); keep it above the failover time; 0 answers busy at once (0 to 300000)</td></tr>
 *   <tr><td>IVBOT_REDIS_COMMAND_TIMEOUT_MS</td><td>2000</td><td>how long one Redis command may take before the
 *       master counts as unreachable (1 to 60000)</td></tr>
 *   <tr><td>IVBOT_REDIS_REPLICA_ACKS</td><td>auto</td><td>replicas that must confirm a save ({@code WAIT}) before the
 *       turn is answered: {@code auto} (1 for Sentinel and Cluster, 0 for a single server) or 0 to 64</td></tr>
 *   <tr><td>IVBOT_REDIS_IN_DOUBT_LIMIT_MS</td><td>30000</td><td>how long a save whose outcome is unknown (its master
 *       failed mid-save, or no replica confirmed it) waits for the next master before the busy reply; never less than
 *       the failover buffer (1 to 600000)</td></tr>
 *   <tr><td>IVBOT_MAX_SESSIONS_PER_USER</td><td>100</td><td>live sessions one user may hold, in memory or in Redis;
 *       a new one beyond it evicts that user's least recently used session (1 to 100000)</td></tr>
 *   <tr><td>IVBOT_MODEL_REPO</td><td>{@code .ivbot/models} if it holds a version, else rules only</td><td>ONNX model
 *       repository (a first version is trained from the KB when it is empty); {@code none} forces rules only</td></tr>
 *   <tr><td>IVBOT_JWT_HMAC_SECRET</td><td>a random secret per process</td><td>HS256/384/512 secret, at least 32 bytes</td></tr>
 *   <tr><td>IVBOT_JWT_PUBLIC_KEY_PEM</td><td>none</td><td>RS256 or ES256 public key: PEM text or a path to a PEM file</td></tr>
 *   <tr><td>IVBOT_JWT_ISSUER</td><td>not checked</td><td>required {@code iss}</td></tr>
 *   <tr><td>IVBOT_JWT_AUDIENCE</td><td>not checked</td><td>required {@code aud}</td></tr>
 *   <tr><td>IVBOT_OPERATOR_CLAIM</td><td>role</td><td>the JWT claim (a string or a list of strings) that names
 *       a user's roles; the review page, {@code /api/review} and {@code /api/model} need {@code IVBOT_OPERATOR_ROLE} in it</td></tr>
 *   <tr><td>IVBOT_OPERATOR_ROLE</td><td>operator</td><td>the role that may review the queue and edit the KB</td></tr>
 *   <tr><td>IVBOT_CANARY_SHARE</td><td>none: a new version serves everyone once it passes the gate</td><td>roll
 *       new model versions out by user: a version that passes the gate serves this share of users, in (0, 1),
 *       and is promoted or rolled back automatically ({@link CanaryPolicy})</td></tr>
 *   <tr><td>IVBOT_CANARY_MIN_TURNS</td><td>500</td><td>turns each side answers before the canary's decision</td></tr>
 *   <tr><td>IVBOT_CANARY_TOLERANCE</td><td>0.01</td><td>how much higher a candidate's fallback, low-confidence
 *       and degraded rates may be and still be promoted</td></tr>
 *   <tr><td>IVBOT_CANARY_ROLLBACK_THRESHOLD</td><td>0.03</td><td>a candidate whose fallback rate is higher by
 *       more than this is rolled back at once</td></tr>
 *   <tr><td>IVBOT_DEADLINE_MS</td><td>200</td><td>classifier deadline before the rules answer</td></tr>
 *   <tr><td>IVBOT_SESSION_TTL_S</td><td>600</td><td>idle session lifetime</td></tr>
 *   <tr><td>IVBOT_BODY_TIMEOUT_MS</td><td>10000</td><td>a request body must have arrived this long after its
 *       headers, else 408</td></tr>
 *   <tr><td>IVBOT_MIN_BODY_RATE</td><td>256</td><td>bytes per second a request body must keep up from its first
 *       byte, else 408; 0 turns the check off</td></tr>
 *   <tr><td>IVBOT_DEV_LOGIN</td><td>true when no JWT key is configured, else false</td><td>serve {@code POST /dev/login},
 *       which mints tokens for any user: never in production</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe. Build one with {@link #builder()} (tests) or
 * {@link #fromEnvironment()} (the server's main).
 */
public final class ServerConfig {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final Duration DEFAULT_DEADLINE = Duration.ofMillis(200);
    public static final Duration DEFAULT_SESSION_TTL = Duration.ofSeconds(600);
    /**
     * Time for a whole request body after its headers. A chat body is well under 1 KiB and arrives
     * in one packet; 10 s leaves room for a poor mobile link and still frees a trickling
     * connection soon.
     */
    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(10);
    /**
     * Slowest average rate of a request body from its first byte, in bytes per second. A client
     * below it is cut off at its next chunk instead of at {@link #DEFAULT_BODY_TIMEOUT}: one byte
     * every 5 s fails at the second byte.
     */
    public static final long DEFAULT_MIN_BODY_RATE = 256;
    /** Lifetime of a token minted by the dev login. */
    public static final Duration DEV_TOKEN_LIFETIME = Duration.ofHours(8);
    /** The Redis store's own default: {@link RedisSessionStoreOptions#DEFAULT_FAILOVER_BUFFER}. */
    public static final Duration DEFAULT_REDIS_FAILOVER_BUFFER = RedisSessionStoreOptions.DEFAULT_FAILOVER_BUFFER;
    /** The Redis store's own default: {@link RedisSessionStoreOptions#DEFAULT_COMMAND_TIMEOUT}. */
    public static final Duration DEFAULT_REDIS_COMMAND_TIMEOUT = RedisSessionStoreOptions.DEFAULT_COMMAND_TIMEOUT;
    /** The Redis store's own default: {@link RedisSessionStoreOptions#AUTO_REPLICA_ACKS}. */
    public static final int DEFAULT_REDIS_REPLICA_ACKS = RedisSessionStoreOptions.DEFAULT_REPLICA_ACKS;
    /** The Redis store's own default: {@link RedisSessionStoreOptions#DEFAULT_IN_DOUBT_LIMIT}. */
    public static final Duration DEFAULT_REDIS_IN_DOUBT_LIMIT = RedisSessionStoreOptions.DEFAULT_IN_DOUBT_LIMIT;
    /** Most replica acknowledgements accepted; more is a typo, not a topology. */
    static final int MAX_REDIS_REPLICA_ACKS = 64;

    /** Where the ONNX classifier comes from. */
    public enum ModelMode {
        /** {@code .ivbot/models} if it holds a version, else rules only. */
        AUTO,
        /** The rule classifier only. */
        RULES,
        /** The ONNX classifier on {@link #modelRepository()}, rules as the secondary. */
        REPOSITORY
    }

    private final String host;
    private final int port;
    private final @Nullable Path knowledgeBase;
    private final @Nullable String redisUri;
    private final ModelMode modelMode;
    private final @Nullable Path modelRepository;
    private final byte[] hmacSecret;
    private final boolean hmacSecretGenerated;
    private final @Nullable String publicKeyPem;
    private final @Nullable String issuer;
    private final String operatorClaim;
    private final String operatorRole;
    private final @Nullable String audience;
    private final Duration deadline;
    private final Duration sessionTtl;
    private final boolean devLogin;
    private final Duration bodyTimeout;
    private final long minBodyRate;
    private final Duration redisFailoverBuffer;
    private final Duration redisCommandTimeout;
    private final int redisReplicaAcks;
    private final Duration redisInDoubtLimit;
    private final int maxSessionsPerUser;
    private final @Nullable CanaryPolicy canary;

    private ServerConfig(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.knowledgeBase = b.knowledgeBase;
        this.redisUri = b.redisUri;
        this.modelMode = b.modelMode;
        this.modelRepository = b.modelRepository;
        this.hmacSecretGenerated = b.hmacSecret == null;
        this.hmacSecret = b.hmacSecret != null ? b.hmacSecret.clone() : randomSecret();
        this.publicKeyPem = b.publicKeyPem;
        this.issuer = b.issuer;
        this.operatorClaim = b.operatorClaim;
        this.operatorRole = b.operatorRole;
        this.audience = b.audience;
        this.deadline = b.deadline;
        this.sessionTtl = b.sessionTtl;
        this.bodyTimeout = b.bodyTimeout;
        this.minBodyRate = b.minBodyRate;
        this.redisFailoverBuffer = b.redisFailoverBuffer;
        this.redisCommandTimeout = b.redisCommandTimeout;
        this.redisReplicaAcks = b.redisReplicaAcks;
        this.redisInDoubtLimit = b.redisInDoubtLimit;
        this.maxSessionsPerUser = b.maxSessionsPerUser;
        this.canary = b.canary;
        boolean anyKey = b.hmacSecret != null || b.publicKeyPem != null;
        this.devLogin = b.devLogin != null ? b.devLogin : !anyKey;
        if (devLogin && b.hmacSecret == null && b.publicKeyPem != null) {
            throw new IllegalArgumentException(
                    "IVBOT_DEV_LOGIN needs IVBOT_JWT_HMAC_SECRET: the dev login signs HS256 tokens");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The settings from {@code System.getenv()} and {@code System.getProperties()}. */
    public static ServerConfig fromEnvironment() {
        return fromEnvironment(System.getenv(), System.getProperties());
    }

    /**
     * The settings from these variables and properties (a property overrides its variable).
     *
     * @throws IllegalArgumentException naming the variable whose value is wrong
     */
    public static ServerConfig fromEnvironment(Map<String, String> env, Properties properties) {
        Source s = new Source(env, properties);
        Builder b = builder();
        s.get("IVBOT_HOST").ifPresent(b::host);
        s.get("IVBOT_PORT").ifPresent(v -> b.port(s.integer("IVBOT_PORT", v)));
        s.get("IVBOT_KB").ifPresentOrElse(v -> b.knowledgeBase(Path.of(v)), () -> s.get("IVBOT_HOME")
                // ./ivbot serve: the demo KB folder itself, so that edits reach the running server
                .map(home -> Path.of(home, "examples", "hr-demo-kb"))
                .filter(kb -> java.nio.file.Files.isRegularFile(kb.resolve("kb.yaml")))
                .ifPresent(b::knowledgeBase));
        s.get("IVBOT_REDIS_URI").ifPresent(b::redisUri);
        s.get("IVBOT_MODEL_REPO").ifPresent(v -> {
            if (v.equalsIgnoreCase("none") || v.equalsIgnoreCase("rules")) {
                b.rulesOnly();
            } else {
                b.modelRepository(Path.of(v));
            }
        });
        s.get("IVBOT_JWT_HMAC_SECRET").ifPresent(v -> b.hmacSecret(v.getBytes(StandardCharsets.UTF_8)));
        s.get("IVBOT_JWT_PUBLIC_KEY_PEM").ifPresent(b::publicKeyPem);
        s.get("IVBOT_JWT_ISSUER").ifPresent(b::issuer);
        s.get("IVBOT_OPERATOR_CLAIM").ifPresent(b::operatorClaim);
        s.get("IVBOT_OPERATOR_ROLE").ifPresent(b::operatorRole);
        s.get("IVBOT_JWT_AUDIENCE").ifPresent(b::audience);
        s.get("IVBOT_DEADLINE_MS").ifPresent(v -> b.deadline(Duration.ofMillis(s.integer("IVBOT_DEADLINE_MS", v))));
        s.get("IVBOT_SESSION_TTL_S").ifPresent(v -> b.sessionTtl(Duration.ofSeconds(s.integer("IVBOT_SESSION_TTL_S", v))));
        s.get("IVBOT_DEV_LOGIN").ifPresent(v -> b.devLogin(s.bool("IVBOT_DEV_LOGIN", v)));
        s.get("IVBOT_BODY_TIMEOUT_MS").ifPresent(v -> b.bodyTimeout(Duration.ofMillis(s.integer("IVBOT_BODY_TIMEOUT_MS", v))));
        s.get("IVBOT_MIN_BODY_RATE").ifPresent(v -> b.minBodyRate(s.integer("IVBOT_MIN_BODY_RATE", v)));
        s.get("IVBOT_REDIS_FAILOVER_BUFFER_MS").ifPresent(v -> b.redisFailoverBuffer(
                Duration.ofMillis(s.integer("IVBOT_REDIS_FAILOVER_BUFFER_MS", v))));
        s.get("IVBOT_REDIS_COMMAND_TIMEOUT_MS").ifPresent(v -> b.redisCommandTimeout(
                Duration.ofMillis(s.integer("IVBOT_REDIS_COMMAND_TIMEOUT_MS", v))));
        s.get("IVBOT_REDIS_REPLICA_ACKS").ifPresent(v -> b.redisReplicaAcks(v.equalsIgnoreCase("auto")
                ? RedisSessionStoreOptions.AUTO_REPLICA_ACKS : s.replicaAcks("IVBOT_REDIS_REPLICA_ACKS", v)));
        s.get("IVBOT_REDIS_IN_DOUBT_LIMIT_MS").ifPresent(v -> b.redisInDoubtLimit(
                Duration.ofMillis(s.integer("IVBOT_REDIS_IN_DOUBT_LIMIT_MS", v))));
        s.get("IVBOT_MAX_SESSIONS_PER_USER").ifPresent(v -> b.maxSessionsPerUser(
                s.integer("IVBOT_MAX_SESSIONS_PER_USER", v)));
        canary(s).ifPresent(b::canary);
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("configuration: " + e.getMessage(), e);
        }
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** The KB folder, or empty for the demo KB on the classpath. */
    public Optional<Path> knowledgeBase() {
        return Optional.ofNullable(knowledgeBase);
    }

    /** The Redis URI, or empty for in-memory sessions. */
    public Optional<String> redisUri() {
        return Optional.ofNullable(redisUri);
    }

    public ModelMode modelMode() {
        return modelMode;
    }

    /** The model repository when {@link #modelMode()} is {@link ModelMode#REPOSITORY}. */
    public Optional<Path> modelRepository() {
        return Optional.ofNullable(modelRepository);
    }

    /** The HMAC secret (a copy): configured, or random per process when none was. */
    public byte[] hmacSecret() {
        return hmacSecret.clone();
    }

    /** True when no HMAC secret was configured and a random one was generated. */
    public boolean hmacSecretGenerated() {
        return hmacSecretGenerated;
    }

    /** Whether tokens signed with {@link #hmacSecret()} are accepted. */
    public boolean acceptsHmac() {
        return !hmacSecretGenerated || publicKeyPem == null;
    }

    public Optional<String> publicKeyPem() {
        return Optional.ofNullable(publicKeyPem);
    }

    public Optional<String> issuer() {
        return Optional.ofNullable(issuer);
    }

    /** The JWT claim that lists a user's roles ({@code IVBOT_OPERATOR_CLAIM}). */
    public String operatorClaim() {
        return operatorClaim;
    }

    /** The role that may use the review page ({@code IVBOT_OPERATOR_ROLE}). */
    public String operatorRole() {
        return operatorRole;
    }

    public Optional<String> audience() {
        return Optional.ofNullable(audience);
    }

    public Duration deadline() {
        return deadline;
    }

    public Duration sessionTtl() {
        return sessionTtl;
    }

    public boolean devLogin() {
        return devLogin;
    }

    /** How long after its headers a request body must have arrived in full. */
    public Duration bodyTimeout() {
        return bodyTimeout;
    }

    /** The slowest a request body may arrive from its first byte on, in bytes per second; 0 for no check. */
    public long minBodyRate() {
        return minBodyRate;
    }

    /** How long a save may wait for a Redis master before the busy reply; {@link Duration#ZERO} refuses at once. */
    public Duration redisFailoverBuffer() {
        return redisFailoverBuffer;
    }

    /** How long one Redis command may take before the store treats the master as unreachable. */
    public Duration redisCommandTimeout() {
        return redisCommandTimeout;
    }

    /** Replicas that must confirm a save, or {@link RedisSessionStoreOptions#AUTO_REPLICA_ACKS}. */
    public int redisReplicaAcks() {
        return redisReplicaAcks;
    }

    /** How long a save whose outcome is unknown waits for the next master (the store uses at least the buffer). */
    public Duration redisInDoubtLimit() {
        return redisInDoubtLimit;
    }

    /** Live sessions one user may hold; a new one beyond it evicts that user's least recently used. */
    public int maxSessionsPerUser() {
        return maxSessionsPerUser;
    }

    /** How new model versions roll out by user, or empty to serve a version that passes the gate to everyone. */
    public Optional<CanaryPolicy> canary() {
        return Optional.ofNullable(canary);
    }

    private static Optional<CanaryPolicy> canary(Source s) {
        Optional<String> share = s.get("IVBOT_CANARY_SHARE");
        if (share.isEmpty()) {
            for (String other : List.of("IVBOT_CANARY_MIN_TURNS", "IVBOT_CANARY_TOLERANCE", "IVBOT_CANARY_ROLLBACK_THRESHOLD")) {
                if (s.get(other).isPresent()) {
                    throw new IllegalArgumentException(other + " needs IVBOT_CANARY_SHARE: without it there is no canary");
                }
            }
            return Optional.empty();
        }
        double tolerance = s.get("IVBOT_CANARY_TOLERANCE").map(v -> s.decimal("IVBOT_CANARY_TOLERANCE", v))
                .orElse(CanaryPolicy.DEFAULT_TOLERANCE);
        double threshold = s.get("IVBOT_CANARY_ROLLBACK_THRESHOLD")
                .map(v -> s.decimal("IVBOT_CANARY_ROLLBACK_THRESHOLD", v))
                .orElse(Math.max(tolerance, CanaryPolicy.DEFAULT_ROLLBACK_THRESHOLD));
        int minTurns = s.get("IVBOT_CANARY_MIN_TURNS").map(v -> s.integer("IVBOT_CANARY_MIN_TURNS", v))
                .orElse(CanaryPolicy.DEFAULT_MIN_TURNS);
        double shareValue = s.decimal("IVBOT_CANARY_SHARE", share.get());
        try {
            return Optional.of(new CanaryPolicy(shareValue, minTurns, tolerance, threshold));
        } catch (IllegalArgumentException e) {
            // the policy names its component ("minTurns must be ..."): name the variable that set it
            String message = String.valueOf(e.getMessage());
            String component = message.split(" ", 2)[0];
            String variable = switch (component) {
                case "share" -> "IVBOT_CANARY_SHARE";
                case "minTurns" -> "IVBOT_CANARY_MIN_TURNS";
                case "tolerance" -> "IVBOT_CANARY_TOLERANCE";
                default -> "IVBOT_CANARY_ROLLBACK_THRESHOLD";
            };
            throw new IllegalArgumentException(variable + ": " + message, e);
        }
    }

    /** A builder holding these settings (the generated secret, if any, is kept). */
    public Builder mutate() {
        Builder b = new Builder();
        b.host = host;
        b.port = port;
        b.knowledgeBase = knowledgeBase;
        b.redisUri = redisUri;
        b.modelMode = modelMode;
        b.modelRepository = modelRepository;
        b.hmacSecret = hmacSecretGenerated ? null : hmacSecret.clone();
        b.publicKeyPem = publicKeyPem;
        b.issuer = issuer;
        b.operatorClaim = operatorClaim;
        b.operatorRole = operatorRole;
        b.audience = audience;
        b.deadline = deadline;
        b.sessionTtl = sessionTtl;
        b.devLogin = devLogin;
        b.bodyTimeout = bodyTimeout;
        b.minBodyRate = minBodyRate;
        b.redisFailoverBuffer = redisFailoverBuffer;
        b.redisCommandTimeout = redisCommandTimeout;
        b.redisReplicaAcks = redisReplicaAcks;
        b.redisInDoubtLimit = redisInDoubtLimit;
        b.maxSessionsPerUser = maxSessionsPerUser;
        b.canary = canary;
        return b;
    }

    /** Never shows a secret or key. */
    @Override
    public String toString() {
        return "ServerConfig[" + host + ":" + port
                + ", kb=" + (knowledgeBase == null ? "classpath:hr-demo-kb" : knowledgeBase)
                + ", sessions=" + (redisUri == null ? "in-memory" : redactedUri(redisUri) + " (buffer="
                        + redisFailoverBuffer.toMillis() + "ms, commandTimeout=" + redisCommandTimeout.toMillis()
                        + "ms, replicaAcks=" + (redisReplicaAcks == RedisSessionStoreOptions.AUTO_REPLICA_ACKS ? "auto"
                        : Integer.toString(redisReplicaAcks)) + ", inDoubtLimit=" + redisInDoubtLimit.toMillis() + "ms)")
                + ", maxSessionsPerUser=" + maxSessionsPerUser
                + ", model=" + (modelMode == ModelMode.REPOSITORY ? modelRepository : modelMode.name().toLowerCase(Locale.ROOT))
                + (canary == null ? "" : ", canary=" + canary)
                + ", jwt=" + (publicKeyPem != null ? "public key" : hmacSecretGenerated ? "random hmac" : "hmac")
                + issuer().map(i -> ", iss=" + i).orElse("") + audience().map(a -> ", aud=" + a).orElse("")
                + ", deadline=" + deadline.toMillis() + "ms, ttl=" + sessionTtl.toSeconds() + "s, devLogin=" + devLogin
                + ", bodyTimeout=" + bodyTimeout.toMillis() + "ms, minBodyRate=" + minBodyRate + "B/s]";
    }

    private static String redactedUri(String uri) {
        try {
            URI u = URI.create(uri);
            return u.getUserInfo() == null ? uri : uri.replace(u.getRawUserInfo() + "@", "***@");
        } catch (IllegalArgumentException e) {
            return "(unparsable uri)";
        }
    }

    private static byte[] randomSecret() {
        byte[] secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        return secret;
    }

    /**
     * Options for a {@link ServerConfig}; each setter checks its argument and names it. Not
     * thread-safe; {@link #build()} leaves it reusable.
     */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private @Nullable Path knowledgeBase;
        private @Nullable String redisUri;
        private ModelMode modelMode = ModelMode.AUTO;
        private @Nullable Path modelRepository;
        private byte @Nullable [] hmacSecret;
        private @Nullable String publicKeyPem;
        private @Nullable String issuer;
        private String operatorClaim = "role";
        private String operatorRole = "operator";
        private @Nullable String audience;
        private Duration deadline = DEFAULT_DEADLINE;
        private Duration sessionTtl = DEFAULT_SESSION_TTL;
        private @Nullable Boolean devLogin;
        private Duration bodyTimeout = DEFAULT_BODY_TIMEOUT;
        private long minBodyRate = DEFAULT_MIN_BODY_RATE;
        private Duration redisFailoverBuffer = DEFAULT_REDIS_FAILOVER_BUFFER;
        private Duration redisCommandTimeout = DEFAULT_REDIS_COMMAND_TIMEOUT;
        private int redisReplicaAcks = DEFAULT_REDIS_REPLICA_ACKS;
        private Duration redisInDoubtLimit = DEFAULT_REDIS_IN_DOUBT_LIMIT;
        private int maxSessionsPerUser = dev.ivbot.spi.SessionStore.DEFAULT_MAX_SESSIONS_PER_USER;
        private @Nullable CanaryPolicy canary;

        private Builder() {}

        public Builder host(String host) {
            Objects.requireNonNull(host, "host");
            if (host.isBlank()) {
                throw new IllegalArgumentException("IVBOT_HOST must not be blank");
            }
            this.host = host;
            return this;
        }

        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("IVBOT_PORT must be from 0 to 65535, was " + port);
            }
            this.port = port;
            return this;
        }

        public Builder knowledgeBase(Path folder) {
            this.knowledgeBase = Objects.requireNonNull(folder, "folder");
            return this;
        }

        public Builder redisUri(String uri) {
            Objects.requireNonNull(uri, "uri");
            if (!uri.matches("(?i)(redis|rediss|redis-sentinel|redis-socket|redis-cluster)://.+")) {
                throw new IllegalArgumentException("IVBOT_REDIS_URI must start with redis://, rediss://, "
                        + "redis-sentinel:// or redis-cluster://");
            }
            this.redisUri = uri;
            return this;
        }

        /** Serve the ONNX classifier from this repository, with rules as the secondary. */
        public Builder modelRepository(Path repository) {
            this.modelRepository = Objects.requireNonNull(repository, "repository");
            this.modelMode = ModelMode.REPOSITORY;
            return this;
        }

        /** Serve the rule classifier only. */
        public Builder rulesOnly() {
            this.modelRepository = null;
            this.modelMode = ModelMode.RULES;
            return this;
        }

        public Builder hmacSecret(byte[] secret) {
            Objects.requireNonNull(secret, "secret");
            if (secret.length < 32) {
                throw new IllegalArgumentException("IVBOT_JWT_HMAC_SECRET must be at least 32 bytes, was " + secret.length);
            }
            this.hmacSecret = Arrays.copyOf(secret, secret.length);
            return this;
        }

        /** An RSA or EC public key: PEM text, or the path of a PEM file. */
        public Builder publicKeyPem(String pemOrPath) {
            Objects.requireNonNull(pemOrPath, "pemOrPath");
            String pem = pemOrPath.strip();
            if (!pem.startsWith("-----BEGIN")) {
                try {
                    pem = java.nio.file.Files.readString(Path.of(pem), StandardCharsets.US_ASCII).strip();
                } catch (java.io.IOException | RuntimeException e) {
                    throw new IllegalArgumentException("IVBOT_JWT_PUBLIC_KEY_PEM is neither PEM text nor a readable file: "
                            + e.getMessage(), e);
                }
            }
            if (!pem.startsWith("-----BEGIN PUBLIC KEY-----")) {
                throw new IllegalArgumentException("IVBOT_JWT_PUBLIC_KEY_PEM must hold a '-----BEGIN PUBLIC KEY-----' block");
            }
            this.publicKeyPem = pem;
            return this;
        }

        public Builder operatorClaim(String claim) {
            if (Objects.requireNonNull(claim, "claim").isBlank()) {
                throw new IllegalArgumentException("IVBOT_OPERATOR_CLAIM must not be blank");
            }
            this.operatorClaim = claim;
            return this;
        }

        public Builder operatorRole(String role) {
            if (Objects.requireNonNull(role, "role").isBlank()) {
                throw new IllegalArgumentException("IVBOT_OPERATOR_ROLE must not be blank");
            }
            this.operatorRole = role;
            return this;
        }

        public Builder issuer(String issuer) {
            this.issuer = Objects.requireNonNull(issuer, "issuer");
            return this;
        }

        public Builder audience(String audience) {
            this.audience = Objects.requireNonNull(audience, "audience");
            return this;
        }

        public Builder deadline(Duration deadline) {
            Objects.requireNonNull(deadline, "deadline");
            if (deadline.toMillis() < 1 || deadline.toMillis() > 60_000) {
                throw new IllegalArgumentException("IVBOT_DEADLINE_MS must be from 1 to 60000, was " + deadline.toMillis());
            }
            this.deadline = deadline;
            return this;
        }

        public Builder sessionTtl(Duration ttl) {
            Objects.requireNonNull(ttl, "ttl");
            if (ttl.toSeconds() < 1 || ttl.toDays() > 30) {
                throw new IllegalArgumentException("IVBOT_SESSION_TTL_S must be from 1 s to 30 days, was " + ttl.toSeconds());
            }
            this.sessionTtl = ttl;
            return this;
        }

        /** Serve {@code POST /dev/login}; default: on exactly when no JWT key is configured. */
        public Builder devLogin(boolean enabled) {
            this.devLogin = enabled;
            return this;
        }

        /** How long after its headers a request body must have arrived in full; 100 ms to 5 min. */
        public Builder bodyTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.toMillis() < 100 || timeout.toMillis() > 300_000) {
                throw new IllegalArgumentException("IVBOT_BODY_TIMEOUT_MS must be from 100 to 300000, was " + timeout.toMillis());
            }
            this.bodyTimeout = timeout;
            return this;
        }

        /** The slowest a request body may arrive, in bytes per second; 0 turns the check off, at most 1 MiB/s. */
        public Builder minBodyRate(long bytesPerSecond) {
            if (bytesPerSecond < 0 || bytesPerSecond > 1 << 20) {
                throw new IllegalArgumentException("IVBOT_MIN_BODY_RATE must be from 0 to 1048576 bytes/s, was " + bytesPerSecond);
            }
            this.minBodyRate = bytesPerSecond;
            return this;
        }

        /** How long a save may wait for a Redis master before the busy reply; 0 to 5 min, 0 refuses at once. */
        public Builder redisFailoverBuffer(Duration buffer) {
            Objects.requireNonNull(buffer, "buffer");
            if (buffer.isNegative() || buffer.toMillis() > 300_000) {
                throw new IllegalArgumentException("IVBOT_REDIS_FAILOVER_BUFFER_MS must be from 0 to 300000, was "
                        + buffer.toMillis());
            }
            this.redisFailoverBuffer = buffer;
            return this;
        }

        /** How long one Redis command may take; 1 ms to 60 s. */
        public Builder redisCommandTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.toMillis() < 1 || timeout.toMillis() > 60_000) {
                throw new IllegalArgumentException("IVBOT_REDIS_COMMAND_TIMEOUT_MS must be from 1 to 60000, was "
                        + timeout.toMillis());
            }
            this.redisCommandTimeout = timeout;
            return this;
        }

        /** Replicas that must confirm a save: {@link RedisSessionStoreOptions#AUTO_REPLICA_ACKS} or 0 to 64. */
        public Builder redisReplicaAcks(int replicaAcks) {
            if (replicaAcks < RedisSessionStoreOptions.AUTO_REPLICA_ACKS || replicaAcks > MAX_REDIS_REPLICA_ACKS) {
                throw new IllegalArgumentException("IVBOT_REDIS_REPLICA_ACKS must be auto or from 0 to "
                        + MAX_REDIS_REPLICA_ACKS + ", was " + replicaAcks);
            }
            this.redisReplicaAcks = replicaAcks;
            return this;
        }

        /** How long a save whose outcome is unknown waits for the next master; 1 ms to 10 min. */
        public Builder redisInDoubtLimit(Duration limit) {
            Objects.requireNonNull(limit, "limit");
            if (limit.toMillis() < 1 || limit.toMillis() > 600_000) {
                throw new IllegalArgumentException("IVBOT_REDIS_IN_DOUBT_LIMIT_MS must be from 1 to 600000, was "
                        + limit.toMillis());
            }
            this.redisInDoubtLimit = limit;
            return this;
        }

        /** Live sessions one user may hold, in either store; 1 to 100,000. */
        public Builder maxSessionsPerUser(int max) {
            if (max < 1 || max > 100_000) {
                throw new IllegalArgumentException("IVBOT_MAX_SESSIONS_PER_USER must be from 1 to 100000, was " + max);
            }
            this.maxSessionsPerUser = max;
            return this;
        }

        /** Roll new model versions out by user under {@code policy}; default none. */
        public Builder canary(CanaryPolicy policy) {
            this.canary = Objects.requireNonNull(policy, "policy");
            return this;
        }

        public ServerConfig build() {
            return new ServerConfig(this);
        }
    }

    /** Variables and properties, a property overriding its variable; blank counts as absent. */
    private record Source(Map<String, String> env, Properties properties) {
        Optional<String> get(String name) {
            String property = properties.getProperty(name.toLowerCase(Locale.ROOT).replace('_', '.'));
            String value = property != null ? property : env.get(name);
            return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
        }

        int integer(String name, String value) {
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a whole number, was '" + value + "'");
            }
        }

        int replicaAcks(String name, String value) {
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be auto or a whole number, was '" + value + "'");
            }
        }

        double decimal(String name, String value) {
            try {
                return Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a number, was '" + value + "'");
            }
        }

        boolean bool(String name, String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "true", "1", "yes", "on" -> true;
                case "false", "0", "no", "off" -> false;
                default -> throw new IllegalArgumentException(name + " must be true or false, was '" + value + "'");
            };
        }
    }
}
