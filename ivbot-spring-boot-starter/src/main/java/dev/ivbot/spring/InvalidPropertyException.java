package dev.ivbot.spring;

import dev.ivbot.IvbotException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An {@code ivbot.*} property whose value cannot be used; startup fails with it, and Spring Boot's failure
 * report names the property, the value and what would be accepted. Immutable, thread-safe.
 */
public class InvalidPropertyException extends IvbotException {
    private static final long serialVersionUID = 1L;

    private final String property;
    private final String value;
    private final String reason;
    private final String action;

    /**
     * @param property the property's name, e.g. {@code ivbot.classifier.mode}
     * @param value the value as configured, or null when the property is unset
     * @param reason why it cannot be used
     * @param action what to set instead
     */
    public InvalidPropertyException(String property, @Nullable Object value, String reason, String action) {
        super(Objects.requireNonNull(property, "property") + "=" + value + ": " + reason);
        this.property = property;
        this.value = String.valueOf(value);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.action = Objects.requireNonNull(action, "action");
    }

    /** The property's name. */
    public String property() {
        return property;
    }

    /** The value as configured ({@code "null"} when unset). */
    public String value() {
        return value;
    }

    /** Why it cannot be used. */
    public String reason() {
        return reason;
    }

    /** What to set instead. */
    public String action() {
        return action;
    }
}
