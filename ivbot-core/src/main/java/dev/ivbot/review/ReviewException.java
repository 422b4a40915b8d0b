package dev.ivbot.review;

import dev.ivbot.IvbotException;

/** An operator's action that cannot be carried out (unknown cluster or intent, a KB that would not load). */
public class ReviewException extends IvbotException {
    private static final long serialVersionUID = 1L;

    public ReviewException(String message) {
        super(message);
    }

    public ReviewException(String message, Throwable cause) {
        super(message, cause);
    }
}
