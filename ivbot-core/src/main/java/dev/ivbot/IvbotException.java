package dev.ivbot;

import org.jspecify.annotations.Nullable;

/**
 * Root of every exception ivbot throws. Unchecked, so that a host can catch all of ivbot's
 * failures in one place and tell them apart by subclass.
 *
 * <p>Instances are immutable and thread-safe.
 */
public class IvbotException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public IvbotException(String message) {
        super(message);
    }

    public IvbotException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
