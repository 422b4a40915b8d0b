package dev.ivbot.internal.runtime;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a callback when the files under a folder change: the names, sizes and modification times of
 * the regular files (and the names of the folders) down to eight levels are compared with the last
 * check. Checks run every poll interval on one daemon thread, on {@link #checkNow()}, and, where
 * file events are on and the file system delivers them, soon after an event (after a quiet period,
 * so that a copy in progress settles first). The KB watcher and the model repository watcher are
 * both this class.
 *
 * <p>Thread-safe: checks are serialised, and the callback never runs twice at once.
 */
public final class FolderWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FolderWatcher.class);

    /** What a change starts; a runtime exception it throws is logged and the watching goes on. */
    @FunctionalInterface
    public interface Callback {
        void onChange();
    }

    private final Path folder;
    private final Callback callback;
    private final @Nullable ScheduledExecutorService scheduler;
    private final @Nullable WatchService watchService;
    private final @Nullable Thread eventThread;
    private volatile boolean closed;
    private String lastStamp;

    private FolderWatcher(Path folder, Callback callback, Duration pollInterval, boolean fileEvents,
            Duration quietPeriod, String threadName) {
        this.folder = folder;
        this.callback = callback;
        this.lastStamp = stamp(folder);
        if (pollInterval.isZero()) {
            scheduler = null;
        } else {
            scheduler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named(threadName + "-poll"));
            long ms = pollInterval.toMillis();
            scheduler.scheduleWithFixedDelay(this::checkQuietly, ms, ms, TimeUnit.MILLISECONDS);
        }
        WatchService ws = null;
        Thread t = null;
        if (fileEvents) {
            try {
                Path dir = Files.isDirectory(folder) ? folder : folder.getParent();
                ws = FileSystems.getDefault().newWatchService();
                // the folder and its direct subfolders (a KB's intents/): events are per folder
                try (Stream<Path> dirs = Files.walk(dir, 1)) {
                    for (Path d : (Iterable<Path>) dirs.filter(Files::isDirectory)::iterator) {
                        d.register(ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                                StandardWatchEventKinds.ENTRY_DELETE);
                    }
                }
                WatchService service = ws;
                long quiet = quietPeriod.toMillis();
                t = DaemonThreads.thread(threadName + "-events", () -> watchEvents(service, quiet));
                t.start();
            } catch (IOException e) {
                LOG.warn("cannot watch {} for file events ({}); relying on polling", folder, e.toString());
            }
        }
        this.watchService = ws;
        this.eventThread = t;
    }

    /**
     * Starts watching {@code folder}.
     *
     * @param pollInterval how often to compare regardless of file events; {@link Duration#ZERO} for none
     * @param fileEvents whether to listen for file events too (they are not delivered on every file system)
     * @param quietPeriod how long file events must stop before the check
     * @param threadName the prefix of the watcher's thread names
     */
    public static FolderWatcher start(Path folder, Callback callback, Duration pollInterval, boolean fileEvents,
            Duration quietPeriod, String threadName) {
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(callback, "callback");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(quietPeriod, "quietPeriod");
        if (pollInterval.isNegative() || (!pollInterval.isZero() && pollInterval.toMillis() < 10)) {
            throw new IllegalArgumentException("pollInterval must be zero or at least 10 ms, was " + pollInterval);
        }
        return new FolderWatcher(folder, callback, pollInterval, fileEvents, quietPeriod, threadName);
    }

    /** A watcher that only checks on {@link #checkNow()}. */
    public static FolderWatcher manual(Path folder, Callback callback) {
        return start(folder, callback, Duration.ZERO, false, Duration.ZERO, "ivbot-watch");
    }

    /**
     * Compares the folder with the last check and runs the callback if it changed.
     *
     * @return true if it had changed
     */
    public synchronized boolean checkNow() {
        if (closed) {
            return false;
        }
        String stamp = stamp(folder);
        if (stamp.equals(lastStamp)) {
            return false;
        }
        lastStamp = stamp;
        callback.onChange();
        return true;
    }

    private void checkQuietly() {
        try {
            checkNow();
        } catch (RuntimeException e) {
            LOG.warn("handling a change under {} failed", folder, e);
        }
    }

    private void watchEvents(WatchService service, long quietMillis) {
        try {
            while (!closed) {
                WatchKey key = service.take();
                do {
                    key.pollEvents();
                    key.reset();
                } while ((key = service.poll(quietMillis, TimeUnit.MILLISECONDS)) != null);
                checkQuietly();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closing
        }
    }

    /** Names, sizes and modification times of what lies under {@code folder}, one line each. */
    static String stamp(Path folder) {
        if (!Files.isDirectory(folder)) {
            return fileStamp(folder);
        }
        try (Stream<Path> files = Files.walk(folder, 8)) {
            StringBuilder out = new StringBuilder();
            files.sorted().forEach(p -> out.append(Files.isDirectory(p) ? p + "/" : fileStamp(p)).append('\n'));
            return out.toString();
        } catch (IOException | java.io.UncheckedIOException e) {
            // a folder that vanished in the middle of the walk: compare again next time
            return "unreadable: " + e;
        }
    }

    private static String fileStamp(Path p) {
        try {
            return p + "|" + Files.size(p) + "|" + Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return p + "|missing";
        }
    }

    /** Stops the threads; a check in progress finishes. Idempotent. */
    @Override
    public void close() {
        closed = true;
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        if (watchService != null) {
            try {
                watchService.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        if (eventThread != null) {
            eventThread.interrupt();
        }
    }
}
