package dev.ivbot.spi;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A classifier's state for health checks.
 *
 * @param serving whether it answers at all (false once closed, or while it has no usable model)
 * @param version the version answering now, as {@link IntentClassifier#version()} reports it
 * @param trainedOnFingerprint the fingerprint of the KB the serving model was trained on, or
 *     {@code null} when the classifier is built from the KB itself (rules)
 * @param training whether a new model version is being trained or gated
 * @param lastRefusal why the last candidate version was refused (load failure, gate figures), or
 *     {@code null} when none was
 *
 * <p>Immutable and thread-safe.
 */
public record ClassifierStatus(boolean serving, String version, @Nullable String trainedOnFingerprint,
        boolean training, @Nullable String lastRefusal) {

    public ClassifierStatus {
        Objects.requireNonNull(version, "version");
    }

    /** A classifier that is serving {@code version} and has nothing else to report. */
    public static ClassifierStatus serving(String version) {
        return new ClassifierStatus(true, version, null, false, null);
    }
}
