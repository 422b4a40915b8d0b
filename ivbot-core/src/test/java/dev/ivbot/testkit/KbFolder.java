package dev.ivbot.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A copy of a KB folder that tests edit as an HR operator would: text edits of its YAML files, each
 * written in one go. Works on the layout of the demo KB ({@code intents/*.yaml}, two-space lists).
 *
 * <p>Not thread-safe.
 */
public final class KbFolder {
    private final Path root;

    private KbFolder(Path root) {
        this.root = root;
    }

    /** Copies {@code from} to {@code to} (which must not exist). */
    public static KbFolder copy(Path from, Path to) {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new KbFolder(to);
    }

    public Path root() {
        return root;
    }

    /** Adds an example as the first of the intent's {@code lang} list. */
    public KbFolder addExample(String intentId, String lang, String example) {
        Path file = fileOf(intentId);
        String text = read(file);
        int at = text.indexOf("- id: " + intentId + "\n");
        Matcher list = Pattern.compile("(?m)^(\\s+)" + lang + ":\\n(\\s+)- ").matcher(text);
        if (!list.find(at)) {
            throw new IllegalArgumentException("no " + lang + " examples under " + intentId + " in " + file);
        }
        int insert = list.start(2);
        write(file, text.substring(0, insert) + list.group(2) + "- " + example + "\n" + text.substring(insert));
        return this;
    }

    /** Exchanges two intents' ids (each keeps its examples and answers under the other's id). */
    public KbFolder swapIds(String a, String b) {
        for (Path file : yamlFiles()) {
            String text = read(file);
            String swapped = text.replace("- id: " + a + "\n", "- id: __swap__\n")
                    .replace("- id: " + b + "\n", "- id: " + a + "\n").replace("- id: __swap__\n", "- id: " + b + "\n");
            if (!swapped.equals(text)) {
                write(file, swapped);
            }
        }
        return this;
    }

    /** Removes an intent's whole block. */
    public KbFolder removeIntent(String intentId) {
        Path file = fileOf(intentId);
        String text = read(file);
        int start = text.indexOf("  - id: " + intentId + "\n");
        int next = text.indexOf("\n  - id: ", start + 1);
        write(file, text.substring(0, start) + (next < 0 ? "" : text.substring(next + 1)));
        return this;
    }

    /** Appends an intent block (YAML, indented as a list item under {@code intents:}) to a file. */
    public KbFolder appendIntent(String fileName, String block) {
        Path file = root.resolve("intents").resolve(fileName);
        String text = read(file);
        write(file, (text.endsWith("\n") ? text : text + "\n") + block);
        return this;
    }

    /** Replaces a file's content. */
    public KbFolder overwrite(String relativePath, String content) {
        write(root.resolve(relativePath), content);
        return this;
    }

    /** Replaces text in a file; the text must occur. */
    public KbFolder replace(String relativePath, String old, String replacement) {
        Path file = root.resolve(relativePath);
        String text = read(file);
        if (!text.contains(old)) {
            throw new IllegalArgumentException(file + " does not contain " + old);
        }
        write(file, text.replace(old, replacement));
        return this;
    }

    private Path fileOf(String intentId) {
        for (Path file : yamlFiles()) {
            if (read(file).contains("- id: " + intentId + "\n")) {
                return file;
            }
        }
        throw new IllegalArgumentException("no intent " + intentId + " under " + root);
    }

    private List<Path> yamlFiles() {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Written to a sibling and moved into place, as editors save, so that a watcher never reads half a file. */
    private static void write(Path file, String content) {
        try {
            Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
