package dev.ivbot.review.internal;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.ivbot.Language;
import dev.ivbot.review.NewIntent;
import dev.ivbot.review.ReviewException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Edits a KB's intent files as text, so that everything the edit does not touch (comments, order,
 * flow maps, blank lines) stays byte for byte: new examples go in after the last example of their
 * language, a new intent at the end of a file. The caller loads the KB afterwards and restores the
 * file if it no longer loads.
 *
 * <p>Stateless; thread-safe as far as the files are (callers serialise writes).
 */
public final class KbYamlEditor {
    private static final Pattern ID_LINE = Pattern.compile("^(\\s*)-\\s+id:\\s*[\"']?([A-Za-z0-9_.-]+)[\"']?\\s*(#.*)?$");
    private static final Pattern PLAIN = Pattern.compile("[\\p{L}][^:#\\[\\]{},\"'|>&*!%@`\\\\]*");
    private static final Pattern RESERVED = Pattern.compile("(?i)(y|n|yes|no|true|false|on|off|null|~)");

    private KbYamlEditor() {}

    /** A file and its lines (without line ends). */
    public record Located(Path file, List<String> lines, int idLine, int itemIndent) {}

    /** The intent file under {@code folder} that defines {@code intentId}. */
    public static Optional<Located> find(Path folder, String intentId) {
        for (Path file : yamlFiles(folder)) {
            List<String> lines = read(file);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = ID_LINE.matcher(lines.get(i));
                if (m.matches() && m.group(2).equals(intentId)) {
                    return Optional.of(new Located(file, lines, i, m.group(1).length()));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Inserts {@code examples} under {@code examples.<language>} of the intent at {@code at}.
     *
     * @return the file's new text
     */
    public static String withExamples(Located at, Language language, List<String> examples) {
        List<String> lines = new ArrayList<>(at.lines());
        int keyIndent = at.itemIndent() + 2;
        int end = blockEnd(lines, at.idLine() + 1, at.itemIndent());
        int examplesLine = findKey(lines, at.idLine(), end, keyIndent, "examples");
        if (examplesLine < 0) {
            throw new ReviewException("intent " + lines.get(at.idLine()).trim() + " in " + at.file()
                    + " has no block 'examples:'; add the examples by hand");
        }
        int examplesEnd = blockEnd(lines, examplesLine + 1, keyIndent);
        int langIndent = childIndent(lines, examplesLine + 1, examplesEnd, keyIndent + 2);
        int langLine = findKey(lines, examplesLine + 1, examplesEnd, langIndent, language.code());
        List<String> insert = new ArrayList<>();
        int after;
        if (langLine < 0) {
            insert.add(" ".repeat(langIndent) + language.code() + ":");
            for (String e : examples) {
                insert.add(" ".repeat(langIndent + 2) + "- " + scalar(e));
            }
            after = lastContent(lines, examplesLine, examplesEnd);
        } else {
            String rest = lines.get(langLine).substring(lines.get(langLine).indexOf(':') + 1).trim();
            if (!rest.isEmpty() && !rest.startsWith("#")) {
                throw new ReviewException("examples." + language.code() + " of " + lines.get(at.idLine()).trim() + " in "
                        + at.file() + ":" + (langLine + 1) + " is not a block list; add the examples by hand");
            }
            int langEnd = blockEnd(lines, langLine + 1, langIndent);
            after = lastContent(lines, langLine, langEnd);
            int itemIndent = langIndent + 2;
            for (int i = langLine + 1; i < langEnd; i++) {
                String t = lines.get(i);
                if (t.trim().startsWith("- ")) {
                    itemIndent = indent(t);
                    break;
                }
            }
            for (String e : examples) {
                insert.add(" ".repeat(itemIndent) + "- " + scalar(e));
            }
        }
        lines.addAll(after + 1, insert);
        return String.join("\n", lines) + "\n";
    }

    /** The text of {@code file} (possibly absent) with {@code intent} appended to its {@code intents:} list. */
    public static String withNewIntent(Path file, NewIntent intent, Language language, List<String> examples) {
        String text = Files.exists(file) ? String.join("\n", read(file)) + "\n"
                : "# Intents added from the review queue (./ivbot review, the review page).\nintents:\n";
        StringBuilder b = new StringBuilder(text);
        b.append("  - id: ").append(intent.id()).append('\n');
        b.append("    title: {zh: ").append(scalar(intent.titleZh())).append(", en: ").append(scalar(intent.titleEn()))
                .append("}\n");
        b.append("    examples:\n");
        b.append("      ").append(language.code()).append(":\n");
        for (String e : examples) {
            b.append("        - ").append(scalar(e)).append('\n');
        }
        b.append("    answers:\n");
        b.append("      - zh: ").append(scalar(intent.answerZh())).append('\n');
        b.append("        en: ").append(scalar(intent.answerEn())).append('\n');
        return b.toString();
    }

    /** Writes {@code text} to {@code file} through a temporary file, so a reader never sees half of it. */
    public static void write(Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".review-", ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new ReviewException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** A YAML scalar for {@code s}: plain when that reads back as the same string, else double-quoted. */
    public static String scalar(String s) {
        String t = s.strip();
        if (t.equals(s) && PLAIN.matcher(s).matches() && !RESERVED.matcher(s).matches() && !s.contains(" -")) {
            return s;
        }
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }

    private static List<Path> yamlFiles(Path folder) {
        Path intents = folder.resolve("intents");
        List<Path> files = new ArrayList<>();
        for (Path dir : List.of(intents, folder)) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> {
                    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                    return n.endsWith(".yaml") || n.endsWith(".yml");
                }).sorted().forEach(files::add);
            } catch (IOException e) {
                throw new ReviewException("cannot list " + dir + ": " + e.getMessage(), e);
            }
        }
        return files;
    }

    private static List<String> read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ReviewException("cannot read " + file + ": " + e.getMessage(), e);
        }
        List<String> lines = new ArrayList<>(List.of(text.split("\r?\n", -1)));
        if (text.endsWith("\n")) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    /** The first line at or after {@code from} that is content indented at most {@code indent}. */
    private static int blockEnd(List<String> lines, int from, int indent) {
        for (int i = from; i < lines.size(); i++) {
            if (isContent(lines.get(i)) && indent(lines.get(i)) <= indent) {
                return i;
            }
        }
        return lines.size();
    }

    private static int findKey(List<String> lines, int from, int to, int indent, String key) {
        for (int i = from; i < to; i++) {
            String t = lines.get(i);
            if (isContent(t) && indent(t) == indent && (t.trim().equals(key + ":") || t.trim().startsWith(key + ":"))) {
                return i;
            }
        }
        return -1;
    }

    private static int childIndent(List<String> lines, int from, int to, int fallback) {
        for (int i = from; i < to; i++) {
            if (isContent(lines.get(i))) {
                return indent(lines.get(i));
            }
        }
        return fallback;
    }

    /** The last content line in [from, to), so that trailing comments and blank lines stay below the insert. */
    private static int lastContent(List<String> lines, int from, int to) {
        int last = from;
        for (int i = from; i < to; i++) {
            if (isContent(lines.get(i))) {
                last = i;
            }
        }
        return last;
    }

    private static boolean isContent(String line) {
        String t = line.trim();
        return !t.isEmpty() && !t.startsWith("#");
    }

    private static int indent(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        return i;
    }
}
