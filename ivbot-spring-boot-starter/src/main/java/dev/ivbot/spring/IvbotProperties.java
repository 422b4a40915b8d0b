package dev.ivbot.spring;

import dev.ivbot.ContextReading;
import dev.ivbot.DialogEngine;
import dev.ivbot.spi.SessionStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code ivbot.*} properties that {@link IvbotAutoConfiguration} builds the {@link DialogEngine} from.
 * Values are checked when the engine is built; a bad one fails startup with an
 * {@link InvalidPropertyException} that names the property and the value.
 *
 * <p>Not thread-safe: Spring binds it once at startup and the auto-configuration reads it then.
 */
@ConfigurationProperties(prefix = "ivbot")
public class IvbotProperties {

    /**
     * Where the knowledge base is: a folder (a path, or a {@code file:} URL) or a classpath location
     * such as {@code classpath:hr-kb} (every {@code .yaml}/{@code .yml} file under it). Required.
     */
    private @Nullable String knowledgeBase;

    private final Classifier classifier = new Classifier();
    private final Session session = new Session();
    private final FailureAlarm failureAlarm = new FailureAlarm();
    private final Web web = new Web();

    public @Nullable String getKnowledgeBase() {
        return knowledgeBase;
    }

    public void setKnowledgeBase(@Nullable String knowledgeBase) {
        this.knowledgeBase = knowledgeBase;
    }

    public Classifier getClassifier() {
        return classifier;
    }

    public Session getSession() {
        return session;
    }

    public FailureAlarm getFailureAlarm() {
        return failureAlarm;
    }

    public Web getWeb() {
        return web;
    }

    /** How intents are recognised. */
    public static class Classifier {
        /**
         * {@code rules} (the rule engine alone, no model), {@code onnx} (the BERT model, the rules as
         * secondary when it misses the deadline or fails) or {@code hybrid} (the model blended with the
         * rules, the rules as secondary). {@code onnx} and {@code hybrid} need {@code ivbot-onnx}.
         */
        private String mode = "rules";
        /**
         * The model repository ({@code <repo>/intent/<version>/}) for {@code onnx} and {@code hybrid}; a
         * first version is trained from the KB when it holds none. Default
         * {@code .ivbot/models/kb-<fingerprint>} under {@code $IVBOT_HOME} or the working directory.
         */
        private @Nullable Path modelRepository;
        /** How long the primary classifier may take before the secondary answers. */
        private Duration deadline = DialogEngine.DEFAULT_CLASSIFIER_DEADLINE;
        /** Entries of the classification cache (normalised text to result); 0 disables it. */
        private long cacheSize = 10_000;
        /**
         * Who reads a follow-up together with the question that set the topic: {@code composed} (the
         * model from the two texts' embeddings, no second pass), {@code primary} (a model pass over the
         * two joined), {@code fast} (the rules) or {@code off}; see {@link ContextReading}.
         */
        // DialogEngine.DEFAULT_CONTEXT_READING, written out so that the configuration processor puts
        // the default in the IDE metadata (it reads only literals)
        private ContextReading contextReading = ContextReading.COMPOSED;

        public String getMode() {
            return mode;
        }

        public void setMode(String mode) {
            this.mode = mode;
        }

        public @Nullable Path getModelRepository() {
            return modelRepository;
        }

        public void setModelRepository(@Nullable Path modelRepository) {
            this.modelRepository = modelRepository;
        }

        public Duration getDeadline() {
            return deadline;
        }

        public void setDeadline(Duration deadline) {
            this.deadline = deadline;
        }

        public long getCacheSize() {
            return cacheSize;
        }

        public void setCacheSize(long cacheSize) {
            this.cacheSize = cacheSize;
        }

        public ContextReading getContextReading() {
            return contextReading;
        }

        public void setContextReading(ContextReading contextReading) {
            this.contextReading = contextReading;
        }
    }

    /** Where sessions live and for how long. */
    public static class Session {
        /** Idle time after which a session expires; each turn and heartbeat renews it. */
        private Duration ttl = SessionStore.DEFAULT_TTL;
        /** Sessions one user may hold at once. */
        private int maxPerUser = SessionStore.DEFAULT_MAX_SESSIONS_PER_USER;
        /** Sessions the in-memory store holds at most (the least recently used go first). */
        private long maxInMemory = 1_000_000;
        /**
         * Whether sessions go to Redis when Spring Data Redis is configured ({@code spring.data.redis.*}:
         * standalone, Sentinel or Cluster); false keeps them in memory.
         */
        private boolean redis = true;
        /** How long saves wait in a local buffer while no Redis master is reachable. */
        private Duration redisFailoverBuffer = Duration.ofSeconds(5);

        public Duration getTtl() {
            return ttl;
        }

        public void setTtl(Duration ttl) {
            this.ttl = ttl;
        }

        public int getMaxPerUser() {
            return maxPerUser;
        }

        public void setMaxPerUser(int maxPerUser) {
            this.maxPerUser = maxPerUser;
        }

        public long getMaxInMemory() {
            return maxInMemory;
        }

        public void setMaxInMemory(long maxInMemory) {
            this.maxInMemory = maxInMemory;
        }

        public boolean isRedis() {
            return redis;
        }

        public void setRedis(boolean redis) {
            this.redis = redis;
        }

        public Duration getRedisFailoverBuffer() {
            return redisFailoverBuffer;
        }

        public void setRedisFailoverBuffer(Duration redisFailoverBuffer) {
            this.redisFailoverBuffer = redisFailoverBuffer;
        }
    }

    /** The alarm on the share of failed turns (fallbacks and errors). */
    public static class FailureAlarm {
        /** Share of failed turns over the window above which the alarm is raised, between 0 and 1. */
        private double threshold = DialogEngine.DEFAULT_FAILURE_ALARM_THRESHOLD;
        /** The sliding window the share is computed over. */
        private Duration window = DialogEngine.DEFAULT_FAILURE_WINDOW;

        public double getThreshold() {
            return threshold;
        }

        public void setThreshold(double threshold) {
            this.threshold = threshold;
        }

        public Duration getWindow() {
            return window;
        }

        public void setWindow(Duration window) {
            this.window = window;
        }
    }

    /** The chat API. */
    public static class Web {
        /**
         * Whether to serve the chat API ({@code POST /api/chat}, heartbeat, end session) in a servlet web
         * application; the user is Spring Security's authenticated principal, so Spring Security is required.
         */
        private boolean enabled;
        /**
         * JWT claims that set slots of the session, claim name to slot name (for example
         * {@code ivbot.web.claim-to-slot.track=track}): read from the authenticated principal when it carries
         * claims (a resource server's JWT); values the KB does not define are dropped.
         */
        private Map<String, String> claimToSlot = new LinkedHashMap<>();

        public Map<String, String> getClaimToSlot() {
            return claimToSlot;
        }

        public void setClaimToSlot(Map<String, String> claimToSlot) {
            this.claimToSlot = claimToSlot;
        }

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }
}
