package dev.ivbot.onnx;

import dev.ivbot.IvbotException;

/**
 * Training stopped because its thread was interrupted (a {@link ModelLifecycle} closing mid-run);
 * no version was published.
 *
 * <p>Immutable and thread-safe.
 */
public class TrainingCancelledException extends IvbotException {
    private static final long serialVersionUID = 1L;

    public TrainingCancelledException() {
        super("model training was cancelled (its thread was interrupted); nothing was published");
    }
}
