package dev.ivbot.onnx;

import dev.ivbot.IvbotException;

/**
 * A request reached a classifier after it was closed. The engine answers the turn with its
 * secondary classifier; outside an engine it means the caller closed the classifier too early.
 *
 * <p>Immutable and thread-safe.
 */
public class ClassifierClosedException extends IvbotException {
    private static final long serialVersionUID = 1L;

    public ClassifierClosedException(String classifier) {
        super("the " + classifier + " classifier is closed");
    }
}
