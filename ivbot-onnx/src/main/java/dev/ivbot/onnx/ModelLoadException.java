package dev.ivbot.onnx;

import dev.ivbot.IvbotException;

/**
 * A model version could not be loaded or was refused by the gate. {@link #reason()} says why in a
 * sentence an operator can act on ("labels differ from the serving version: ...").
 *
 * <p>Immutable and thread-safe.
 */
public class ModelLoadException extends IvbotException {
    private static final long serialVersionUID = 1L;

    private final String version;
    private final String reason;

    public ModelLoadException(String version, String reason) {
        super("model version '" + version + "' refused: " + reason);
        this.version = version;
        this.reason = reason;
    }

    public ModelLoadException(String version, String reason, Throwable cause) {
        super("model version '" + version + "' refused: " + reason, cause);
        this.version = version;
        this.reason = reason;
    }

    /** The version folder's name. */
    public String version() {
        return version;
    }

    /** Why the version was refused. */
    public String reason() {
        return reason;
    }
}
