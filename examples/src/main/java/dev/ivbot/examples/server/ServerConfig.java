package dev.ivbot.examples.server;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
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
 *   <tr><td>IVBOT_MODEL_REPO</td><td>{@code .ivbot/models} if it holds a version, else rules only</td><td>ONNX model
 *       repository (a first version is trained from the KB when it is empty); {@code none} forces rules only</td></tr>
 *   <tr><td>IVBOT_JWT_HMAC_SECRET</td><td>a random secret per process</td><td>HS256/384/512 secret, at least 32 bytes</td></tr>
 *   <tr><td>IVBOT_JWT_PUBLIC_KEY_PEM</td><td>none</td><td>RS256 or ES256 public key: PEM text or a path to a PEM file</td></tr>
 *   <tr><td>IVBOT_JWT_ISSUER</td><td>not checked</td><td>required {@code iss}</td></tr>
 *   <tr><td>IVBOT_JWT_AUDIENCE</td><td>not checked</td><td>required {@code aud}</td></tr>
 *   <tr><td>IVBOT_DEADLINE_MS</td><td>200</td><td>classifier deadline before the rules answer</td></tr>
 *   <tr><td>IVBOT_SESSION_TTL_S</td><td>600</td><td>idle session lifetime</td></tr>
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
    /** Lifetime of a token minted by the dev login. */
    public static final Duration DEV_TOKEN_LIFETIME = Duration.ofHours(8);

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
    private final @Nullable String audience;
    private final Duration deadline;
    private final Duration sessionTtl;
    private final boolean devLogin;

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
        this.audience = b.audience;
        this.deadline = b.deadline;
        this.sessionTtl = b.sessionTtl;
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
        s.get("IVBOT_JWT_AUDIENCE").ifPresent(b::audience);
        s.get("IVBOT_DEADLINE_MS").ifPresent(v -> b.deadline(Duration.ofMillis(s.integer("IVBOT_DEADLINE_MS", v))));
        s.get("IVBOT_SESSION_TTL_S").ifPresent(v -> b.sessionTtl(Duration.ofSeconds(s.integer("IVBOT_SESSION_TTL_S", v))));
        s.get("IVBOT_DEV_LOGIN").ifPresent(v -> b.devLogin(s.bool("IVBOT_DEV_LOGIN", v)));
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
        b.audience = audience;
        b.deadline = deadline;
        b.sessionTtl = sessionTtl;
        b.devLogin = devLogin;
        return b;
    }

    /** Never shows a secret or key. */
    @Override
    public String toString() {
        return "ServerConfig[" + host + ":" + port
                + ", kb=" + (knowledgeBase == null ? "classpath:hr-demo-kb" : knowledgeBase)
                + ", sessions=" + (redisUri == null ? "in-memory" : redactedUri(redisUri))
                + ", model=" + (modelMode == ModelMode.REPOSITORY ? modelRepository : modelMode.name().toLowerCase(Locale.ROOT))
                + ", jwt=" + (publicKeyPem != null ? "public key" : hmacSecretGenerated ? "random hmac" : "hmac")
                + issuer().map(i -> ", iss=" + i).orElse("") + audience().map(a -> ", aud=" + a).orElse("")
                + ", deadline=" + deadline.toMillis() + "ms, ttl=" + sessionTtl.toSeconds() + "s, devLogin=" + devLogin + "]";
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
        private @Nullable String audience;
        private Duration deadline = DEFAULT_DEADLINE;
        private Duration sessionTtl = DEFAULT_SESSION_TTL;
        private @Nullable Boolean devLogin;

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

        boolean bool(String name, String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "true", "1", "yes", "on" -> true;
                case "false", "0", "no", "off" -> false;
                default -> throw new IllegalArgumentException(name + " must be true or false, was '" + value + "'");
            };
        }
    }
}
