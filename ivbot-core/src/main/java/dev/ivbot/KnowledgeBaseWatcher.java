package dev.ivbot;

import dev.ivbot.internal.runtime.FolderWatcher;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.kb.KnowledgeBaseException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads an engine's knowledge base when its files change, so that an HR edit goes live without a
 * restart. Every check compares the files' names, sizes and modification times; on a change the
 * folder is loaded and validated first ({@link DialogEngine#reloadKnowledgeBase(Path)}), and only a
 * KB that loads is swapped in. A broken edit is logged (with file and line), kept for the engine's
 * {@link DialogEngine#health()} and reported to the error callback; the engine keeps answering from
 * the last good KB.
 *
 * <pre>{@code
 * try (KnowledgeBaseWatcher watcher = KnowledgeBaseWatcher.start(engine, kbFolder, Duration.ofSeconds(2))) { ... }
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} stops the polling thread. The watcher does not own the engine.
 */
public final class KnowledgeBaseWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KnowledgeBaseWatcher.class);

    private final DialogEngine engine;
    private final Path folder;
    private final Consumer<KnowledgeBaseException> onError;
    private final FolderWatcher watcher;
    /** Set by the callback during {@link #checkNow()}: whether that check swapped a KB in. */
    private boolean swapped;

    private KnowledgeBaseWatcher(DialogEngine engine, Path folder, Consumer<KnowledgeBaseException> onError,
            Duration interval) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.folder = Objects.requireNonNull(folder, "folder");
        this.onError = Objects.requireNonNull(onError, "onError");
        this.watcher = interval.isZero() ? FolderWatcher.manual(folder, this::reload)
                : FolderWatcher.start(folder, this::reload, interval, true, Duration.ofMillis(300), "ivbot-kb-watcher");
    }

    /** A watcher that only checks when {@link #checkNow()} is called (tests, or a host's own scheduler). */
    public static KnowledgeBaseWatcher manual(DialogEngine engine, Path folder,
            Consumer<KnowledgeBaseException> onError) {
        return new KnowledgeBaseWatcher(engine, folder, onError, Duration.ZERO);
    }

    /**
     * A watcher that checks every {@code interval} on its own daemon thread, and soon after a file
     * event where the file system delivers them.
     */
    public static KnowledgeBaseWatcher start(DialogEngine engine, Path folder, Duration interval) {
        Objects.requireNonNull(interval, "interval");
        if (interval.toMillis() < 100) {
            throw new IllegalArgumentException("interval must be at least 100 ms, was " + interval);
        }
        return new KnowledgeBaseWatcher(engine, folder, e -> { }, interval);
    }

    /**
     * Reloads if the files changed since the last check.
     *
     * @return true if a new KB was swapped in
     */
    public synchronized boolean checkNow() {
        swapped = false;
        watcher.checkNow();
        return swapped;
    }

    private synchronized void reload() {
        try {
            engine.reloadKnowledgeBase(folder);
            swapped = true;
        } catch (KnowledgeBaseException e) {
            LOG.warn("knowledge base edit refused, still serving {}: {}", engine.knowledgeBase(), e.getMessage());
            onError.accept(e);
        }
    }

    @Override
    public void close() {
        watcher.close();
    }
}
