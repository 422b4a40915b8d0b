package dev.ivbot.spring;

import dev.ivbot.DialogEngine;

/**
 * A bean that adjusts the engine's builder after the auto-configuration has set the KB, the session
 * store, the classifiers and the properties, and before it builds: a fallback of the portal's own, a
 * listener, another classifier. Customizers run in {@link org.springframework.core.Ordered} order.
 * Implementations are called once, at startup, on one thread.
 */
@FunctionalInterface
public interface DialogEngineCustomizer {
    void customize(DialogEngine.Builder builder);
}
