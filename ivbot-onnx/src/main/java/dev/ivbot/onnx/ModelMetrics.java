package dev.ivbot.onnx;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of an {@link OnnxIntentClassifier}'s counters since it was built.
 *
 * @param servingVersion the version answering now
 * @param loaded versions loaded and swapped in (the first load included)
 * @param refused versions refused (load failure or gate)
 * @param rolledBack rollbacks
 * @param requests classification requests accepted
 * @param batches ONNX runs
 * @param failed requests that completed with an error (overload, model failure, close)
 * @param canaryVersion the candidate a share of users gets, or {@code null} when no canary runs
 * @param canaryShare that share, 0 when no canary runs
 * @param byVersion what each version's users saw since the classifier was built, by version name
 *     (empty unless {@link OnnxIntentClassifier#turnListener()} is registered on the engine)
 *
 * <p>Immutable and thread-safe.
 */
public record ModelMetrics(String servingVersion, long loaded, long refused, long rolledBack, long requests,
        long batches, long failed, @Nullable String canaryVersion, double canaryShare,
        Map<String, VersionMetrics> byVersion) {

    public ModelMetrics {
        byVersion = Map.copyOf(byVersion);
    }

    /** Mean requests per ONNX run. */
    public double meanBatchSize() {
        return batches == 0 ? 0 : (double) (requests - failed) / batches;
    }
}
