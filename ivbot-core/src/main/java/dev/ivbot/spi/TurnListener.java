package dev.ivbot.spi;

/**
 * Hears about every turn, off the reply's path: the engine queues events to a background thread
 * (and counts, rather than blocks on, events it has to drop when the queue is full).
 *
 * <p>Implementations need not be thread-safe: one engine calls them from a single thread.
 */
@FunctionalInterface
public interface TurnListener {

    void onTurn(TurnEvent event);
}
