package dev.ivbot.spring.internal;

import dev.ivbot.spring.InvalidPropertyException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns an {@link InvalidPropertyException} anywhere in a failed startup's causes into Spring Boot's
 * "APPLICATION FAILED TO START" report: the property, its value, why, and what to set. Stateless.
 */
public final class InvalidPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidPropertyException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidPropertyException cause) {
        String description = "Invalid ivbot property:\n\n    Property: " + cause.property() + "\n    Value: \""
                + cause.value() + "\"\n    Reason: " + cause.reason() + "\n";
        return new FailureAnalysis(description, "Update your configuration: " + cause.action() + ".", cause);
    }
}
