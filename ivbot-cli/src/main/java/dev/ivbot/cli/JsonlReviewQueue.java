package dev.ivbot.cli;

import dev.ivbot.spi.ReviewItem;
import dev.ivbot.spi.ReviewQueue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A review queue in a JSON-lines file ({@link ReviewItem#toJson()} lines, or an evaluation file's
 * {@code {"text": ...}} lines): {@code ./ivbot review --queue FILE}. Reviewed items are removed by
 * rewriting the file. No retention: the file is the operator's own export. Not thread-safe.
 */
final class JsonlReviewQueue implements ReviewQueue {
    private final Path file;
    private final List<ReviewItem> items = new ArrayList<>();

    JsonlReviewQueue(Path file) {
        this.file = file;
        try {
            int n = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                n++;
                if (!line.isBlank()) {
                    items.add(ReviewItem.fromJson(line, file.getFileName() + ":" + n));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the queue file " + file, e);
        }
    }

    @Override
    public void add(ReviewItem item) {
        items.add(item);
        write();
    }

    @Override
    public List<ReviewItem> items() {
        return List.copyOf(items);
    }

    @Override
    public int remove(Collection<String> ids) {
        Set<String> gone = new HashSet<>(ids);
        int before = items.size();
        items.removeIf(i -> gone.contains(i.id()));
        if (items.size() != before) {
            write();
        }
        return before - items.size();
    }

    private void write() {
        StringBuilder b = new StringBuilder();
        items.forEach(i -> b.append(i.toJson()).append('\n'));
        try {
            Files.writeString(file, b, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the queue file " + file, e);
        }
    }

    @Override
    public String toString() {
        return "file " + file;
    }
}
