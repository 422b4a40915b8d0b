package dev.ivbot.spi;

import dev.ivbot.Reply;
import org.jspecify.annotations.Nullable;

/**
 * One finished turn.
 *
 * @param userId the user
 * @param reply the reply sent (for a refused turn, {@code null})
 * @param error the exception thrown to the caller, or {@code null}
 * @param primaryTimedOut whether the primary classifier missed its deadline
 * @param primaryFailed whether the primary classifier threw
 *
 * <p>Immutable and thread-safe.
 */
public record TurnEvent(String userId, @Nullable Reply reply, @Nullable Throwable error, boolean primaryTimedOut,
        boolean primaryFailed) {}
