package dev.ivbot.kafka;

import dev.ivbot.Reply;
import dev.ivbot.internal.runtime.DaemonThreads;
import dev.ivbot.kafka.internal.Pseudonymizer;
import dev.ivbot.privacy.PiiRedactor;
import dev.ivbot.spi.ScoredIntent;
import dev.ivbot.spi.TurnEvent;
import dev.ivbot.spi.TurnListener;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TurnListener} that publishes one {@link TurnRecord} per turn to a Kafka topic, keyed by
 * session id so that a session's turns stay in order on one partition.
 *
 * <pre>{@code
 * try (KafkaTurnPublisher turns = KafkaTurnPublisher.builder()
 *         .bootstrapServers("kafka-1:9092,kafka-2:9092")
 *         .topic("ivbot.turns")
 *         .userIdSecret(secretBytes)
 *         .build();
 *      DialogEngine engine = DialogEngine.builder().knowledgeBase(kb).listener(turns).build()) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Nothing here waits on Kafka on the engine's behalf: {@link #onTurn} redacts and serialises the
 * turn and puts it in a bounded buffer (records waiting and in flight, {@link Builder#bufferCapacity});
 * its own thread hands records to the producer. The producer is idempotent with {@code acks=all},
 * so a record the broker acknowledged is in the topic once, and retries keep a partition's order.
 * While the broker is unreachable the producer holds and retries what it has; once the buffer is
 * full, further turns are dropped and counted ({@link #stats()}), and publishing resumes by itself
 * when the broker is back. See docs/kafka.md.
 *
 * <p>Thread-safe. Closing it flushes what is buffered (waiting up to {@link Builder#closeTimeout})
 * and closes the producer it created; close it after the engine it listens to.
 */
public final class KafkaTurnPublisher implements TurnListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaTurnPublisher.class);

    public static final int DEFAULT_BUFFER_CAPACITY = 10_000;
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final Producer<String, byte[]> producer;
    private final String topic;
    private final @Nullable Pseudonymizer pseudonymizer;
    private final PiiRedactor redactor = PiiRedactor.standard();
    private final String server;
    private final Clock clock;
    private final Duration closeTimeout;
    private final @Nullable Consumer<TurnRecord> onAcknowledged;
    private final int capacity;
    private final Semaphore room;
    /** Bounded by {@link #room}, not by itself: a permit is taken before a record is queued. */
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread sender;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder acknowledged = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final AtomicReference<@Nullable String> lastError = new AtomicReference<>();
    private volatile boolean draining = true;

    private KafkaTurnPublisher(Builder b) {
        this.topic = b.topic;
        this.pseudonymizer = b.userIdSecret == null ? null : new Pseudonymizer(b.userIdSecret);
        this.server = b.serverInstance;
        this.clock = b.clock;
        this.closeTimeout = b.closeTimeout;
        this.onAcknowledged = b.onAcknowledged;
        this.capacity = b.bufferCapacity;
        this.room = new Semaphore(capacity);
        this.producer = new KafkaProducer<>(producerConfig(b), new StringSerializer(), new ByteArraySerializer());
        this.sender = DaemonThreads.thread("ivbot-kafka-sender", this::sendLoop);
        sender.start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The producer settings: ours first, then the caller's overrides (docs/kafka.md explains each). */
    static Map<String, Object> producerConfig(Builder b) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        // a sender blocked on metadata holds no turn up, but a short block lets close() and stats move on
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "ivbot-turns-" + b.serverInstance);
        config.putAll(b.producerOverrides);
        return config;
    }

    @Override
    public void onTurn(TurnEvent event) {
        accepted.increment();
        if (closed.get() || !room.tryAcquire()) {
            dropped.increment();
            return;
        }
        TurnRecord record;
        try {
            record = toRecord(event);
        } catch (RuntimeException e) {
            room.release();
            failed.increment();
            LOG.warn("turn of session {} not publishable", event.sessionId(), e);
            return;
        }
        queue.add(new Pending(new ProducerRecord<>(topic, record.sessionId(), record.toJson()),
                onAcknowledged == null ? null : record));
    }

    /** Counters for metrics and health checks; cheap, from any thread. */
    public PublisherStats stats() {
        return new PublisherStats(accepted.sum(), acknowledged.sum(), dropped.sum(), failed.sum(),
                capacity - room.availablePermits(), capacity, lastError.get());
    }

    TurnRecord toRecord(TurnEvent event) {
        Reply reply = event.reply();
        List<TurnRecord.Candidate> top = new ArrayList<>(event.candidates().size());
        for (ScoredIntent s : event.candidates()) {
            top.add(new TurnRecord.Candidate(s.intent(), s.score()));
        }
        String user = pseudonymizer == null ? null : pseudonymizer.pseudonym(event.userId());
        String question = redactor.redact(event.question());
        long now = clock.millis();
        if (reply == null) {
            Throwable error = event.error();
            return new TurnRecord(TurnRecord.SCHEMA_VERSION, now, event.sessionId(), 0, user, null, question, null, 0,
                    top, null, null, Map.of(), false, 0, event.modelVersion(), event.kbFingerprint(), server,
                    error == null ? "unknown" : error.getClass().getSimpleName());
        }
        return new TurnRecord(TurnRecord.SCHEMA_VERSION, now, reply.sessionId(), reply.turn(), user,
                reply.language().code(), question, reply.intent(), reply.confidence(), top,
                reply.source().name().toLowerCase(Locale.ROOT),
                reply.fallbackReason() == null ? null : reply.fallbackReason().name().toLowerCase(Locale.ROOT),
                reply.slots(), reply.degraded(), reply.latency().toNanos() / 1e6, event.modelVersion(),
                event.kbFingerprint(), server, null);
    }

    private void sendLoop() {
        while (draining || !queue.isEmpty()) {
            Pending value;
            try {
                value = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (value != null) {
                send(value);
            }
        }
        // whatever close() did not wait for is lost, and counted
        for (Pending left; (left = queue.poll()) != null; ) {
            settle(left, "closed before it was sent");
        }
    }

    private void send(Pending value) {
        try {
            producer.send(value.value, (metadata, e) -> settle(value, e == null ? null : e.toString()));
        } catch (RuntimeException e) {
            // max.block.ms passed without metadata (the broker down since start), or the producer closed
            settle(value, e.toString());
        }
    }

    private void settle(Pending value, @Nullable String error) {
        room.release();
        TurnRecord record = value.record;
        if (error == null) {
            acknowledged.increment();
            lastError.set(null);
            if (onAcknowledged != null && record != null) {
                onAcknowledged.accept(record);
            }
            return;
        }
        failed.increment();
        if (lastError.getAndSet(error) == null) {
            LOG.warn("turn records are failing (first: {}); counted in stats().failed", error);
        }
    }

    /** Sends what is buffered, waiting up to the close timeout, then closes the producer. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long deadline = System.nanoTime() + closeTimeout.toNanos();
        draining = false;
        try {
            sender.join(Math.max(1, closeTimeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long left = Math.max(0, deadline - System.nanoTime());
        // records still in the producer after the timeout fail their callbacks: counted as failed
        producer.close(Duration.ofNanos(left));
        PublisherStats s = stats();
        LOG.info("turn publisher closed: {} acknowledged, {} dropped, {} failed", s.acknowledged(), s.dropped(),
                s.failed());
    }

    /** A record on its way; {@code record} kept only for {@link Builder#onAcknowledged}. */
    private record Pending(ProducerRecord<String, byte[]> value, @Nullable TurnRecord record) {}

    /**
     * Options of a {@link KafkaTurnPublisher}. Not thread-safe; {@link #build()} may be called again.
     */
    public static final class Builder {
        private @Nullable String bootstrapServers;
        private String topic = "ivbot.turns";
        private byte @Nullable [] userIdSecret;
        private String serverInstance = ManagementFactory.getRuntimeMXBean().getName();
        private int bufferCapacity = DEFAULT_BUFFER_CAPACITY;
        private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
        private Clock clock = Clock.systemUTC();
        private final Map<String, Object> producerOverrides = new HashMap<>();
        private @Nullable Consumer<TurnRecord> onAcknowledged;

        private Builder() {}

        /** Kafka's {@code bootstrap.servers}; required. */
        public Builder bootstrapServers(String servers) {
            if (Objects.requireNonNull(servers, "servers").isBlank()) {
                throw new IllegalArgumentException("servers must not be blank");
            }
            this.bootstrapServers = servers;
            return this;
        }

        /** The topic; {@code ivbot.turns} by default. It must exist (or the broker auto-create topics). */
        public Builder topic(String topic) {
            if (Objects.requireNonNull(topic, "topic").isBlank()) {
                throw new IllegalArgumentException("topic must not be blank");
            }
            this.topic = topic;
            return this;
        }

        /**
         * The HMAC-SHA256 key that pseudonymises user ids (the same user, the same pseudonym, as long
         * as the key stays); without one, records carry no user at all. At least 16 bytes.
         */
        public Builder userIdSecret(byte[] secret) {
            if (Objects.requireNonNull(secret, "secret").length < 16) {
                throw new IllegalArgumentException("secret must be at least 16 bytes, was " + secret.length);
            }
            this.userIdSecret = secret.clone();
            return this;
        }

        /** The {@code server} field of every record; the JVM's {@code pid@host} by default. */
        public Builder serverInstance(String serverInstance) {
            if (Objects.requireNonNull(serverInstance, "serverInstance").isBlank()) {
                throw new IllegalArgumentException("serverInstance must not be blank");
            }
            this.serverInstance = serverInstance;
            return this;
        }

        /** Records waiting or in flight at most; past that turns are dropped and counted. 10 000 by default. */
        public Builder bufferCapacity(int records) {
            if (records < 1) {
                throw new IllegalArgumentException("records must be positive, was " + records);
            }
            this.bufferCapacity = records;
            return this;
        }

        /** How long {@link KafkaTurnPublisher#close()} waits for the buffer to drain; 10 s by default. */
        public Builder closeTimeout(Duration timeout) {
            if (Objects.requireNonNull(timeout, "timeout").isNegative()) {
                throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
            }
            this.closeTimeout = timeout;
            return this;
        }

        /** The clock of the records' {@code time_ms}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * A Kafka producer setting that replaces ours (e.g. {@code security.protocol}, SASL settings,
         * {@code compression.type}). Turning idempotence or {@code acks=all} off gives up the
         * exactly-once-per-acknowledgement guarantee.
         */
        public Builder producerProperty(String name, Object value) {
            producerOverrides.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Called with each record the broker acknowledged, on the producer's I/O thread (keep it
         * quick): for audits and tests.
         */
        public Builder onAcknowledged(Consumer<TurnRecord> callback) {
            this.onAcknowledged = Objects.requireNonNull(callback, "callback");
            return this;
        }

        public KafkaTurnPublisher build() {
            if (bootstrapServers == null) {
                throw new IllegalStateException("bootstrapServers is required");
            }
            return new KafkaTurnPublisher(this);
        }
    }
}
