package dev.ivbot.onnx.internal;

import dev.ivbot.spi.Classification;
import dev.ivbot.spi.ScoredIntent;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Scores classifications the way the dialog engine acts on them (threshold and clarify margin), so
 * that calibration and the gate optimise what users get rather than raw top-1 accuracy.
 */
public final class Scoring {
    private Scoring() {}

    /** The intent the engine would answer with, or null for a fallback (out of scope, low confidence, clarify). */
    public static @Nullable String answered(Classification c, double threshold, double margin) {
        ScoredIntent top = c.top();
        if (top == null) {
            return null;
        }
        ScoredIntent second = c.second();
        boolean close = second != null && top.score() - second.score() < margin;
        if (top.score() >= threshold && !(close && top.score() < threshold + margin)) {
            return top.intent();
        }
        return null;
    }

    /** Figures over parallel lists of expected labels ({@code oos} for out of scope) and answers (null = fallback). */
    public record Figures(double accuracy, double oosRecall, double falseFallback, double macroF1, int inScope,
            int outOfScope) {}

    public static Figures figures(List<String> expected, List<@Nullable String> answered, String oosLabel) {
        int in = 0;
        int correct = 0;
        int ff = 0;
        int oos = 0;
        int oosHit = 0;
        Map<String, int[]> perIntent = new HashMap<>(); // tp, fp, fn
        Set<String> intents = new HashSet<>();
        for (String e : expected) {
            if (!e.equals(oosLabel)) {
                intents.add(e);
            }
        }
        for (int i = 0; i < expected.size(); i++) {
            String e = expected.get(i);
            String a = answered.get(i);
            if (e.equals(oosLabel)) {
                oos++;
                if (a == null) {
                    oosHit++;
                } else {
                    perIntent.computeIfAbsent(a, k -> new int[3])[1]++;
                }
                continue;
            }
            in++;
            if (a == null) {
                ff++;
                perIntent.computeIfAbsent(e, k -> new int[3])[2]++;
            } else if (a.equals(e)) {
                correct++;
                perIntent.computeIfAbsent(e, k -> new int[3])[0]++;
            } else {
                perIntent.computeIfAbsent(e, k -> new int[3])[2]++;
                perIntent.computeIfAbsent(a, k -> new int[3])[1]++;
            }
        }
        double f1sum = 0;
        for (String intent : intents) {
            int[] c = perIntent.getOrDefault(intent, new int[3]);
            double denom = 2.0 * c[0] + c[1] + c[2];
            f1sum += denom == 0 ? 0 : 2.0 * c[0] / denom;
        }
        return new Figures(in == 0 ? 0 : (double) correct / in, oos == 0 ? 0 : (double) oosHit / oos,
                in == 0 ? 0 : (double) ff / in, intents.isEmpty() ? 0 : f1sum / intents.size(), in, oos);
    }
}
