package dev.ivbot.redis;

import dev.ivbot.spi.SessionStore;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link RedisSessionStore}. Immutable and thread-safe; build one with
 * {@link #builder()}, take the defaults with {@link #create()}, derive one with {@link #mutate()}.
 *
 * <p>The settings that matter in production:
 * <ul>
 *   <li>{@link #ttl()}: how long an idle session lives (each save and touch renews it);</li>
 *   <li>{@link #failoverBuffer()}: how long a save may wait for a master during a failover before
 *       the user gets the "system busy" reply; keep it above your failover time (Sentinel's
 *       {@code down-after-milliseconds} plus election, or Cluster's {@code cluster-node-timeout}
 *       plus election) and well below the portal's request timeout;</li>
 *   <li>{@link #commandTimeout()}: how long one command may take before the store treats the
 *       master as unreachable (applies to clients the store creates);</li>
 *   <li>{@link #replicaAcks()}: how many replicas must confirm a save before it is acknowledged.</li>
 * </ul>
 */
public final class RedisSessionStoreOptions {

    /** Default session TTL: {@link SessionStore#DEFAULT_TTL} (600 s). */
    public static final Duration DEFAULT_TTL = SessionStore.DEFAULT_TTL;
    /** Default time one command may take on clients the store creates. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);
    /** Default time a save may wait for a master before it is refused. */
    public static final Duration DEFAULT_FAILOVER_BUFFER = Duration.ofSeconds(5);
    /** Default time a save whose outcome is unknown (its master failed while it was in flight) waits to learn it. */
    public static final Duration DEFAULT_IN_DOUBT_LIMIT = Duration.ofSeconds(30);
    /** Default interval between attempts to replay buffered saves. */
    public static final Duration DEFAULT_RETRY_INTERVAL = Duration.ofMillis(25);
    /** Default number of sessions in the near cache. */
    public static final long DEFAULT_NEAR_CACHE_SIZE = 100_000;
    /** Default time a session stays in the near cache after it was last loaded or saved. */
    public static final Duration DEFAULT_NEAR_CACHE_TTL = Duration.ofSeconds(120);
    /** Replica acknowledgements: 1 for Sentinel and Cluster, none for a single server. */
    public static final int AUTO_REPLICA_ACKS = -1;
    /** Default: {@link #AUTO_REPLICA_ACKS}. */
    public static final int DEFAULT_REPLICA_ACKS = AUTO_REPLICA_ACKS;
    /** Default time a save waits for its replica acknowledgements. */
    public static final Duration DEFAULT_REPLICA_ACK_TIMEOUT = Duration.ofMillis(250);
    /** Default: a turn's load is answered from the near cache when this store holds the session. */
    public static final boolean DEFAULT_READ_YOUR_WRITES = true;
    /** Default cap of live sessions per user, as the in-memory store's: a person chats in a few windows. */
    public static final int DEFAULT_MAXIMUM_SESSIONS_PER_USER = SessionStore.DEFAULT_MAX_SESSIONS_PER_USER;
    /** Default reconnect delay of clients the store creates. */
    public static final Duration DEFAULT_RECONNECT_DELAY = Duration.ofMillis(100);

    private final Duration ttl;
    private final Duration commandTimeout;
    private final Duration failoverBuffer;
    private final Duration retryInterval;
    private final Duration inDoubtLimit;
    private final long nearCacheSize;
    private final Duration nearCacheTtl;
    private final int replicaAcks;
    private final Duration replicaAckTimeout;
    private final Duration reconnectDelay;
    private final boolean readYourWrites;
    private final int maximumSessionsPerUser;

    private RedisSessionStoreOptions(Builder b) {
        this.maximumSessionsPerUser = b.maximumSessionsPerUser;
        this.readYourWrites = b.readYourWrites;
        this.ttl = b.ttl;
        this.commandTimeout = b.commandTimeout;
        this.failoverBuffer = b.failoverBuffer;
        this.retryInterval = b.retryInterval;
        this.inDoubtLimit = b.inDoubtLimit;
        this.nearCacheSize = b.nearCacheSize;
        this.nearCacheTtl = b.nearCacheTtl;
        this.replicaAcks = b.replicaAcks;
        this.replicaAckTimeout = b.replicaAckTimeout;
        this.reconnectDelay = b.reconnectDelay;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The defaults. */
    public static RedisSessionStoreOptions create() {
        return builder().build();
    }

    /** A builder holding these settings. */
    public Builder mutate() {
        Builder b = new Builder();
        b.maximumSessionsPerUser = maximumSessionsPerUser;
        b.readYourWrites = readYourWrites;
        b.ttl = ttl;
        b.commandTimeout = commandTimeout;
        b.failoverBuffer = failoverBuffer;
        b.retryInterval = retryInterval;
        b.inDoubtLimit = inDoubtLimit;
        b.nearCacheSize = nearCacheSize;
        b.nearCacheTtl = nearCacheTtl;
        b.replicaAcks = replicaAcks;
        b.replicaAckTimeout = replicaAckTimeout;
        b.reconnectDelay = reconnectDelay;
        return b;
    }

    public Duration ttl() {
        return ttl;
    }

    public Duration commandTimeout() {
        return commandTimeout;
    }

    public Duration failoverBuffer() {
        return failoverBuffer;
    }

    public Duration retryInterval() {
        return retryInterval;
    }

    /**
     * How long a save whose outcome is unknown waits to learn it; see
     * {@link Builder#inDoubtLimit(Duration)}.
     */
    public Duration inDoubtLimit() {
        return inDoubtLimit;
    }

    public long nearCacheSize() {
        return nearCacheSize;
    }

    /**
     * Whether a turn's load is answered locally when this store itself saved the session last
     * (within {@link #nearCacheTtl()} and a little less than {@link #ttl()}): one round trip per turn
     * instead of two. Safe across
     * engines: the save script refuses a stale copy (version or owner changed), the engine then
     * reloads from Redis and re-applies the turn. Ownership checks outside a turn always read Redis.
     */
    public boolean readYourWrites() {
        return readYourWrites;
    }

    public Duration nearCacheTtl() {
        return nearCacheTtl;
    }

    /** Replicas that must confirm a save, or {@link #AUTO_REPLICA_ACKS}. */
    public int replicaAcks() {
        return replicaAcks;
    }

    public Duration replicaAckTimeout() {
        return replicaAckTimeout;
    }

    public Duration reconnectDelay() {
        return reconnectDelay;
    }

    /** Live sessions one user may hold; see {@link Builder#maximumSessionsPerUser(int)}. */
    public int maximumSessionsPerUser() {
        return maximumSessionsPerUser;
    }

    @Override
    public String toString() {
        return "RedisSessionStoreOptions[ttl=" + ttl + ", commandTimeout=" + commandTimeout + ", failoverBuffer="
                + failoverBuffer + ", retryInterval=" + retryInterval + ", inDoubtLimit=" + inDoubtLimit + ", nearCacheSize=" + nearCacheSize
                + ", nearCacheTtl=" + nearCacheTtl + ", readYourWrites=" + readYourWrites + ", replicaAcks=" + replicaAcks + ", replicaAckTimeout="
                + replicaAckTimeout + ", reconnectDelay=" + reconnectDelay + ", maximumSessionsPerUser=" + maximumSessionsPerUser
                + "]";
    }

    /** Builder of {@link RedisSessionStoreOptions}. Not thread-safe; {@link #build()} leaves it reusable. */
    public static final class Builder {
        private Duration ttl = DEFAULT_TTL;
        private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
        private Duration failoverBuffer = DEFAULT_FAILOVER_BUFFER;
        private Duration retryInterval = DEFAULT_RETRY_INTERVAL;
        private Duration inDoubtLimit = DEFAULT_IN_DOUBT_LIMIT;
        private long nearCacheSize = DEFAULT_NEAR_CACHE_SIZE;
        private Duration nearCacheTtl = DEFAULT_NEAR_CACHE_TTL;
        private boolean readYourWrites = DEFAULT_READ_YOUR_WRITES;

        /** See {@link RedisSessionStoreOptions#readYourWrites()}; default true. */
        public Builder readYourWrites(boolean readYourWrites) {
            this.readYourWrites = readYourWrites;
            return this;
        }
        private int replicaAcks = DEFAULT_REPLICA_ACKS;
        private Duration replicaAckTimeout = DEFAULT_REPLICA_ACK_TIMEOUT;
        private Duration reconnectDelay = DEFAULT_RECONNECT_DELAY;
        private int maximumSessionsPerUser = DEFAULT_MAXIMUM_SESSIONS_PER_USER;

        private Builder() {}

        /**
         * Live sessions one user may hold; default 100. A save that gives a user one more evicts
         * that user's least recently used session (saved or touched longest ago), never another
         * user's, so one user opening sessions in a loop cannot fill Redis or push others out.
         */
        public Builder maximumSessionsPerUser(int maximumSessionsPerUser) {
            if (maximumSessionsPerUser < 1) {
                throw new IllegalArgumentException("maximumSessionsPerUser must be at least 1, was "
                        + maximumSessionsPerUser);
            }
            this.maximumSessionsPerUser = maximumSessionsPerUser;
            return this;
        }

        /** How long a session lives after its last save or touch (at least 1 ms); default 600 s. */
        public Builder ttl(Duration ttl) {
            this.ttl = positive(ttl, "ttl");
            return this;
        }

        /** Time one command may take, on clients the store creates; default 2 s. */
        public Builder commandTimeout(Duration commandTimeout) {
            this.commandTimeout = positive(commandTimeout, "commandTimeout");
            return this;
        }

        /**
         * How long a save may wait for a reachable master before it completes with
         * {@link dev.ivbot.StoreBusyException}; default 5 s. {@link Duration#ZERO} refuses at once.
         */
        public Builder failoverBuffer(Duration failoverBuffer) {
            Objects.requireNonNull(failoverBuffer, "failoverBuffer");
            if (failoverBuffer.isNegative()) {
                throw new IllegalArgumentException("failoverBuffer must not be negative, was " + failoverBuffer);
            }
            this.failoverBuffer = failoverBuffer;
            return this;
        }

        /** Interval between replay attempts while saves are buffered; default 25 ms. */
        public Builder retryInterval(Duration retryInterval) {
            this.retryInterval = positive(retryInterval, "retryInterval");
            return this;
        }

        /**
         * How long a save waits whose outcome is unknown because its master failed while it was in
         * flight (the script may have run, and may have reached a replica); default 30 s. Such a save
         * is not refused at {@link #failoverBuffer(Duration)}: refusing it could tell the user "busy"
         * for a turn that a promoted replica then shows. It waits for the next master, where the
         * script's write-id log tells whether it landed. Past this limit it is refused, and then, in
         * that rare case, the turn may still surface.
         */
        public Builder inDoubtLimit(Duration inDoubtLimit) {
            this.inDoubtLimit = positive(inDoubtLimit, "inDoubtLimit");
            return this;
        }

        /** Sessions kept in the near cache that serves reads during a failover; default 100,000. */
        public Builder nearCacheSize(long nearCacheSize) {
            if (nearCacheSize < 0) {
                throw new IllegalArgumentException("nearCacheSize must not be negative, was " + nearCacheSize);
            }
            this.nearCacheSize = nearCacheSize;
            return this;
        }

        /** How long a session stays in the near cache after its last load or save; default 120 s. */
        public Builder nearCacheTtl(Duration nearCacheTtl) {
            this.nearCacheTtl = positive(nearCacheTtl, "nearCacheTtl");
            return this;
        }

        /**
         * Replicas that must confirm a save (Redis {@code WAIT}) before it is acknowledged; 0 turns it
         * off, {@link #AUTO_REPLICA_ACKS} (the default) means 1 for Sentinel and Cluster and 0 for a
         * single server.
         */
        public Builder replicaAcks(int replicaAcks) {
            if (replicaAcks < AUTO_REPLICA_ACKS) {
                throw new IllegalArgumentException("replicaAcks must be -1 (auto) or more, was " + replicaAcks);
            }
            this.replicaAcks = replicaAcks;
            return this;
        }

        /** How long a save waits for its replica confirmations; default 250 ms. */
        public Builder replicaAckTimeout(Duration replicaAckTimeout) {
            this.replicaAckTimeout = positive(replicaAckTimeout, "replicaAckTimeout");
            return this;
        }

        /** Delay between reconnect attempts, on clients the store creates; default 100 ms. */
        public Builder reconnectDelay(Duration reconnectDelay) {
            this.reconnectDelay = positive(reconnectDelay, "reconnectDelay");
            return this;
        }

        public RedisSessionStoreOptions build() {
            return new RedisSessionStoreOptions(this);
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + value);
            }
            if (value.toMillis() < 1) {
                throw new IllegalArgumentException(name + " must be at least 1 ms, was " + value);
            }
            return value;
        }
    }
}
