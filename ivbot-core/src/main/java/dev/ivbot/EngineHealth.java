package dev.ivbot;

import dev.ivbot.spi.ClassifierStatus;
import dev.ivbot.spi.StoreHealth;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What {@link DialogEngine#health()} reports at one moment: an overall status with the reasons for
 * it, and the parts it was derived from.
 *
 * <p>{@link Status#DOWN} when the session store does not accept turns (an outage beyond its failover
 * buffer, a master that is no longer the elected one) or the engine is closed; {@link Status#DEGRADED}
 * when a store failover is being absorbed by its buffer, the primary classifier is not serving
 * (closed, no usable model), fails or misses its deadline on more than the failure-alarm threshold of
 * the recent turns, or the failure-rate alarm is raised; otherwise {@link Status#UP}.
 *
 * <p>For load balancers (Kubernetes conventions): {@link #ready()} says whether to send this node
 * turns; liveness is simply that the process answers.
 *
 * @param status the overall status
 * @param problems why the status is not UP, one line each (empty when UP)
 * @param store the session store's health
 * @param primary the primary classifier's status (serving version, the KB it was trained on,
 *     training in progress, last refused version)
 * @param knowledgeBaseName the name of the KB in force
 * @param knowledgeBaseFingerprint the fingerprint of the KB in force
 * @param intents the number of intents in the KB in force
 * @param lastRefusedReload the last KB reload that was refused, or {@code null}
 * @param failureRate the share of failed turns in the failure window
 * @param primaryMissRate the share of recent turns whose primary classifier failed or missed its deadline
 *
 * <p>Immutable and thread-safe.
 */
public record EngineHealth(Status status, List<String> problems, StoreHealth store, ClassifierStatus primary,
        String knowledgeBaseName, String knowledgeBaseFingerprint, int intents,
        @Nullable RefusedReload lastRefusedReload, double failureRate, double primaryMissRate) {

    public EngineHealth {
        Objects.requireNonNull(status, "status");
        problems = List.copyOf(problems);
    }

    /**
     * Whether a load balancer should send this node turns: not DOWN, and the primary classifier is
     * serving. A failover absorbed by the store's buffer keeps the node ready; DEGRADED for other
     * reasons (deadline misses, a raised alarm) does too, since the secondary still answers.
     */
    public boolean ready() {
        return status != Status.DOWN && primary.serving();
    }

    /** The overall status. */
    public enum Status {
        /** Everything answers as configured. */
        UP,
        /** Turns are answered, but by a weaker path than configured. */
        DEGRADED,
        /** The session store is unreachable. */
        DOWN
    }

    /**
     * A reload of the knowledge base that changed nothing because the new KB did not load.
     *
     * @param time when it was refused
     * @param reason what was wrong, with file and line for a KB file
     */
    public record RefusedReload(Instant time, String reason) {
        public RefusedReload {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
