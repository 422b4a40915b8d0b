package dev.ivbot.onnx;

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
 *
 * <p>Immutable and thread-safe.
 */
public record ModelMetrics(String servingVersion, long loaded, long refused, long rolledBack, long requests,
        long batches, long failed) {

    /** Mean requests per ONNX run. */
    public double meanBatchSize() {
        return batches == 0 ? 0 : (double) (requests - failed) / batches;
    }
}
