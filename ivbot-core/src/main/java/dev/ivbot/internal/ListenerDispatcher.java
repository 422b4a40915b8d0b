package dev.ivbot.internal;

import dev.ivbot.internal.runtime.DaemonThreads;

import dev.ivbot.spi.TurnEvent;
import dev.ivbot.spi.TurnListener;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands turn events to listeners on one daemon thread, so that a slow listener never delays a
 * reply. When the queue is full the event is dropped and counted.
 */
public final class ListenerDispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ListenerDispatcher.class);

    private final List<TurnListener> listeners;
    private final BlockingQueue<TurnEvent> queue;
    private final LongAdder dropped = new LongAdder();
    private final Thread thread;
    private volatile boolean running = true;

    public ListenerDispatcher(List<TurnListener> listeners, int capacity) {
        this.listeners = List.copyOf(listeners);
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = DaemonThreads.thread("ivbot-listeners", this::run);
        if (!this.listeners.isEmpty()) {
            thread.start();
        }
    }

    public void publish(TurnEvent event) {
        if (!listeners.isEmpty() && !queue.offer(event)) {
            dropped.increment();
        }
    }

    public long dropped() {
        return dropped.sum();
    }

    private void run() {
        while (running || !queue.isEmpty()) {
            TurnEvent event;
            try {
                event = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (event == null) {
                continue;
            }
            for (TurnListener listener : listeners) {
                try {
                    listener.onTurn(event);
                } catch (RuntimeException e) {
                    LOG.warn("turn listener {} failed", listener, e);
                }
            }
        }
    }

    /** Delivers what is queued (waiting up to a second), then stops. */
    @Override
    public void close() {
        running = false;
        if (thread.isAlive()) {
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
