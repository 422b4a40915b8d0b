package dev.ivbot.onnx;

/**
 * What the users of one model version saw, counted from the engine's turns
 * ({@link OnnxIntentClassifier#turnListener()}): with a canary, a user's turns count for the
 * version the user is assigned to, whichever path answered them.
 *
 * @param version the version folder name
 * @param turns turns answered
 * @param fallbacks turns the fallback answered
 * @param lowConfidence fallbacks for low confidence or ambiguity
 * @param degraded turns a lesser path answered (the model missed its deadline or failed)
 * @param meanLatencyMillis mean time inside the engine
 *
 * <p>Immutable and thread-safe.
 */
public record VersionMetrics(String version, long turns, long fallbacks, long lowConfidence, long degraded,
        double meanLatencyMillis) {

    public double fallbackRate() {
        return rate(fallbacks);
    }

    public double lowConfidenceRate() {
        return rate(lowConfidence);
    }

    public double degradedRate() {
        return rate(degraded);
    }

    private double rate(long n) {
        return turns == 0 ? 0 : (double) n / turns;
    }
}
