package dev.ivbot.onnx.internal;

import dev.ivbot.Language;
import dev.ivbot.internal.text.TextNormalizer;
import java.util.List;

/**
 * The bundled off-topic questions of a language ({@code oos-zh.txt}, {@code oos-en.txt}: chit-chat, weather,
 * coding, finance; written for ivbot, not taken from any evaluation file): what every trained head's
 * out-of-scope class learns from, and what a serving version measures a question's off-topic lead against
 * ({@link dev.ivbot.spi.Classification#offTopicLead()}). Stateless and thread-safe.
 */
public final class OffTopicBackground {
    private OffTopicBackground() {}

    /** The background's questions, normalised as the KB's examples are. */
    public static List<String> questions(Language language) {
        return Resources.lines("/dev/ivbot/onnx/oos-" + language.code() + ".txt").stream()
                .map(TextNormalizer::normalize).toList();
    }

    /** The cosine similarity of {@code unit} to its nearest row (all unit length); -1 without rows. */
    public static double nearest(float[] unit, float[][] rows) {
        double best = -1;
        for (float[] row : rows) {
            best = Math.max(best, Vectors.dot(row, unit));
        }
        return best;
    }
}
