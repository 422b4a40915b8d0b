package dev.ivbot.onnx;

/**
 * How an {@link OnnxIntentClassifier} rolls a new version out by user (灰度): a version that passes
 * the gate first serves {@code share} of the users, chosen by a stable hash of the user id, while
 * the rest stay on the stable version. Once each side has answered {@code minTurns} turns the
 * classifier decides: it rolls the candidate back if its fallback rate is more than
 * {@code rollbackThreshold} above the stable version's, promotes it if none of its fallback,
 * low-confidence and degraded rates is more than {@code tolerance} above the stable version's, and
 * otherwise watches up to three times {@code minTurns} before rolling it back as inconclusive.
 *
 * @param share the candidate's share of users, in (0, 1)
 * @param minTurns turns each side must have answered before a decision, at least 1
 * @param tolerance how much worse (absolute rate) a candidate may be and still be promoted, in [0, 1]
 * @param rollbackThreshold how much higher (absolute rate) the candidate's fallback rate may be
 *     before it is rolled back at once, in [tolerance, 1]
 *
 * <p>Immutable and thread-safe.
 */
public record CanaryPolicy(double share, int minTurns, double tolerance, double rollbackThreshold) {

    public static final double DEFAULT_SHARE = 0.1;
    public static final int DEFAULT_MIN_TURNS = 500;
    public static final double DEFAULT_TOLERANCE = 0.01;
    public static final double DEFAULT_ROLLBACK_THRESHOLD = 0.03;

    public CanaryPolicy {
        if (!(share > 0 && share < 1)) {
            throw new IllegalArgumentException("share must be in (0, 1), was " + share);
        }
        if (minTurns < 1) {
            throw new IllegalArgumentException("minTurns must be at least 1, was " + minTurns);
        }
        if (!(tolerance >= 0 && tolerance <= 1)) {
            throw new IllegalArgumentException("tolerance must be in [0, 1], was " + tolerance);
        }
        if (!(rollbackThreshold >= tolerance && rollbackThreshold <= 1)) {
            throw new IllegalArgumentException("rollbackThreshold must be in [tolerance, 1], was " + rollbackThreshold);
        }
    }

    /** 10 % of users, 500 turns, 1 point of tolerance, roll back at 3 points more fallbacks. */
    public static CanaryPolicy defaults() {
        return new CanaryPolicy(DEFAULT_SHARE, DEFAULT_MIN_TURNS, DEFAULT_TOLERANCE, DEFAULT_ROLLBACK_THRESHOLD);
    }

    public CanaryPolicy withShare(double newShare) {
        return new CanaryPolicy(newShare, minTurns, tolerance, rollbackThreshold);
    }

    public CanaryPolicy withMinTurns(int turns) {
        return new CanaryPolicy(share, turns, tolerance, rollbackThreshold);
    }
}
