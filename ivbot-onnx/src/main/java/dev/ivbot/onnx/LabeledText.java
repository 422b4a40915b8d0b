package dev.ivbot.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ivbot.Language;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A text with its expected intent ({@link #OOS} for a question the KB does not cover): one line of
 * a gate set or a dev set.
 *
 * <p>Immutable and thread-safe.
 */
public record LabeledText(String text, String intent, Language language) {
    /** The label of an out-of-scope question. */
    public static final String OOS = "oos";

    public LabeledText {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(intent, "intent");
        Objects.requireNonNull(language, "language");
    }

    public boolean outOfScope() {
        return OOS.equals(intent);
    }

    /**
     * Reads a JSON Lines file of single turns ({@code {"text": ..., "intent": ...}}, optional
     * {@code "lang"}; the language is detected when absent).
     *
     * @throws IllegalArgumentException naming the file and line of a malformed line
     */
    public static List<LabeledText> readJsonl(Path file) {
        ObjectMapper json = new ObjectMapper();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        List<LabeledText> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            try {
                JsonNode node = json.readTree(line);
                String text = node.path("text").asText(null);
                String intent = node.path("intent").asText(null);
                if (text == null || intent == null) {
                    throw new IllegalArgumentException(file + ":" + (i + 1) + ": needs \"text\" and \"intent\"");
                }
                Language lang = node.hasNonNull("lang") ? Language.fromCode(node.get("lang").asText())
                        : Language.detect(text);
                out.add(new LabeledText(text, intent, lang));
            } catch (IOException e) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": not JSON: " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** Writes lines that {@link #readJsonl} reads back. */
    public static void writeJsonl(Path file, List<LabeledText> texts) throws IOException {
        ObjectMapper json = new ObjectMapper();
        StringBuilder sb = new StringBuilder();
        for (LabeledText t : texts) {
            sb.append(json.createObjectNode().put("text", t.text).put("intent", t.intent)
                    .put("lang", t.language.code())).append('\n');
        }
        Files.writeString(file, sb, StandardCharsets.UTF_8);
    }
}
