package dev.ivbot.kafka;

import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link KafkaBroker} for a test class: started before its first test, closed after its last.
 * Register it in a static field: {@code @RegisterExtension static final KafkaBrokerExtension KAFKA =
 * new KafkaBrokerExtension();}, then {@code KAFKA.broker()}.
 *
 * <p>Not thread-safe: one test class drives it.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback {
    private @Nullable KafkaBroker broker;

    /** The running broker; only between the class's first and last test. */
    public KafkaBroker broker() {
        return Objects.requireNonNull(broker, "the broker runs only while the test class does");
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        broker = KafkaBroker.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }
}
