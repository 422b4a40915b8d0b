package dev.ivbot.onnx;

import dev.ivbot.IvbotException;

/**
 * A classification request was refused at once because the classifier's queue is full (load beyond
 * what the model serves in time). The engine answers the turn with its secondary classifier.
 *
 * <p>Immutable and thread-safe.
 */
public class ClassifierBusyException extends IvbotException {
    private static final long serialVersionUID = 1L;

    private final int capacity;

    public ClassifierBusyException(String classifier, int capacity) {
        super("the " + classifier + " classifier's queue is full (" + capacity + " requests waiting)");
        this.capacity = capacity;
    }

    /** The queue's capacity. */
    public int capacity() {
        return capacity;
    }
}
