package dev.ivbot.internal.runtime;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one way ivbot makes its own threads: daemon threads (so an embedded engine never keeps a host's JVM alive) with
 * an {@code ivbot-} name that says which part owns them in a thread dump. Thread-safe; stateless apart from the
 * numbering counter of each factory.
 */
public final class DaemonThreads {

    private DaemonThreads() {}

    /** An unstarted daemon thread called {@code name}. */
    public static Thread thread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    /** A factory whose threads are all called {@code name}; for single-thread executors. */
    public static ThreadFactory named(String name) {
        return body -> thread(name, body);
    }

    /** A factory whose threads are called {@code prefix1}, {@code prefix2}, ...; for pools. */
    public static ThreadFactory numbered(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return body -> thread(prefix + n.incrementAndGet(), body);
    }

    /** Like {@link #named}, at minimum priority: for background work (training) that must not slow turns. */
    public static ThreadFactory background(String name) {
        return body -> {
            Thread t = thread(name, body);
            t.setPriority(Thread.MIN_PRIORITY);
            return t;
        };
    }
}
