package dev.ivbot.kb;

import dev.ivbot.DialogEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads an engine's knowledge base when its files change, so that an HR edit goes live without a
 * restart. Every check compares the files' names, sizes and modification times; on a change the
 * folder is loaded and validated first, and only a KB that loads is swapped in. A broken edit is
 * logged (with file and line) and reported to the error callback; the engine keeps answering from
 * the last good KB.
 *
 * <pre>{@code
 * try (KnowledgeBaseWatcher watcher = KnowledgeBaseWatcher.start(engine, kbFolder, Duration.ofSeconds(2))) { ... }
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} stops the polling thread.
 */
public final class KnowledgeBaseWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KnowledgeBaseWatcher.class);

    private final DialogEngine engine;
    private final Path folder;
    private final Consumer<KnowledgeBaseException> onError;
    private final ScheduledExecutorService scheduler;
    private String lastStamp;

    private KnowledgeBaseWatcher(DialogEngine engine, Path folder, Consumer<KnowledgeBaseException> onError,
            ScheduledExecutorService scheduler) {
        this.engine = engine;
        this.folder = folder;
        this.onError = onError;
        this.scheduler = scheduler;
        this.lastStamp = stamp();
    }

    /** A watcher that only checks when {@link #checkNow()} is called (tests, or a host's own scheduler). */
    public static KnowledgeBaseWatcher manual(DialogEngine engine, Path folder,
            Consumer<KnowledgeBaseException> onError) {
        return new KnowledgeBaseWatcher(Objects.requireNonNull(engine, "engine"), Objects.requireNonNull(folder, "folder"),
                Objects.requireNonNull(onError, "onError"), null);
    }

    /** A watcher that checks every {@code interval} on its own daemon thread. */
    public static KnowledgeBaseWatcher start(DialogEngine engine, Path folder, Duration interval) {
        Objects.requireNonNull(interval, "interval");
        if (interval.toMillis() < 100) {
            throw new IllegalArgumentException("interval must be at least 100 ms, was " + interval);
        }
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ivbot-kb-watcher");
            t.setDaemon(true);
            return t;
        });
        KnowledgeBaseWatcher watcher = new KnowledgeBaseWatcher(Objects.requireNonNull(engine, "engine"),
                Objects.requireNonNull(folder, "folder"), e -> { }, scheduler);
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                watcher.checkNow();
            } catch (RuntimeException e) {
                LOG.warn("knowledge base check failed", e);
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return watcher;
    }

    /**
     * Reloads if the files changed since the last check.
     *
     * @return true if a new KB was swapped in
     */
    public synchronized boolean checkNow() {
        String stamp = stamp();
        if (stamp.equals(lastStamp)) {
            return false;
        }
        lastStamp = stamp;
        try {
            KnowledgeBase kb = KnowledgeBase.load(folder);
            engine.reloadKnowledgeBase(kb);
            return true;
        } catch (KnowledgeBaseException e) {
            LOG.warn("knowledge base edit refused, still serving {}: {}", engine.knowledgeBase(), e.getMessage());
            onError.accept(e);
            return false;
        }
    }

    private String stamp() {
        if (!Files.isDirectory(folder)) {
            return fileStamp(folder);
        }
        try (Stream<Path> files = Files.walk(folder, 8)) {
            StringBuilder out = new StringBuilder();
            files.filter(Files::isRegularFile).sorted().forEach(p -> out.append(fileStamp(p)).append('\n'));
            return out.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String fileStamp(Path p) {
        try {
            return p + "|" + Files.size(p) + "|" + Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return p + "|missing";
        }
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
