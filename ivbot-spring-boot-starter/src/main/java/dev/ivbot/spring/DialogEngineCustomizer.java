package dev.ivbot.spring;

import dev.ivbot.DialogEngine;

/**
 * A bean that adjusts the engine's builder after the auto-configuration has set the KB, the session
 * store, the classifiers and the properties, and before it builds: a fallback of the portal's own, a
 * listener, the host's own executor or scheduler. Customizers run in {@link org.springframework.core.Ordered}
 * order. Implementations are called once, at startup, on one thread.
 *
 * <p>A builder setter other than {@code listener(...)} may be called once, so a customizer cannot
 * change what the auto-configuration already set (the KB, the session store, the classifiers, the
 * classifier deadline, the cache size and the failure alarm; set those with the {@code ivbot.*}
 * properties or beans of your own): a second call throws {@link IllegalStateException} naming the
 * setter. Nor can two customizers both set, say, the fallback.
 */
@FunctionalInterface
public interface DialogEngineCustomizer {
    void customize(DialogEngine.Builder builder);
}
