package dev.ivbot.examples.server;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An error the API answers with {@code status} and the JSON body {@code {"code": ..., "message": ...}}
 * plus {@code details}.
 */
final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final int status;
    final String code;
    final transient Map<String, Object> details;

    /** A null message (an exception without one) answers with the code as the message. */
    ApiException(int status, String code, @Nullable String message) {
        this(status, code, message, Map.of(), null);
    }

    ApiException(int status, String code, @Nullable String message, Map<String, Object> details,
            @Nullable Throwable cause) {
        super(message == null ? code : message, cause, false, false);
        this.status = status;
        this.code = code;
        this.details = Map.copyOf(details);
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, "bad_request", message);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message);
    }
}
