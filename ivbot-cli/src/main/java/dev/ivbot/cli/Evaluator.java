package dev.ivbot.cli;

import dev.ivbot.ChatRequest;
import dev.ivbot.DialogEngine;
import dev.ivbot.Reply;
import dev.ivbot.benchmarks.Latencies;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Sends evaluation files through a {@link DialogEngine} and scores the replies as
 * shared/design/evaluation.md defines. What counts is the reply a user would get.
 */
final class Evaluator {

    private static final String FALLBACK = "(fallback)";

    /** Headline figures of a single-turn file. */
    record TurnScores(double accuracy, double macroF1, double oosRecall, double falseFallback, double slotAccuracy,
            int n, double p50Millis, double p99Millis) {
        String headline() {
            return String.format(Locale.ROOT,
                    "accuracy=%.4f macro_f1=%.4f oos_recall=%s false_fallback=%s slot_accuracy=%s n=%d p99_ms=%.2f",
                    accuracy, macroF1, fmt(oosRecall), fmt(falseFallback), fmt(slotAccuracy), n, p99Millis);
        }
    }

    /** Headline figures of a dialog file. */
    record DialogScores(double turnAccuracy, double dialogSuccess, int dialogs, int turns) {
        String headline() {
            return String.format(Locale.ROOT, "turn_accuracy=%.4f dialog_success=%.4f n_dialogs=%d n_turns=%d",
                    turnAccuracy, dialogSuccess, dialogs, turns);
        }
    }

    private final DialogEngine engine;
    private final PrintStream out;
    private int sessionCounter;

    Evaluator(DialogEngine engine, PrintStream out) {
        this.engine = engine;
        this.out = out;
    }

    /** Sends up to {@code turns} of the cases' texts in throwaway sessions; nothing is scored. */
    void warmUp(List<EvalData.Case> cases, int turns) {
        for (int i = 0; i < Math.min(turns, cases.size() * 3); i++) {
            engine.chat(ChatRequest.of("eval-warmup", "warmup-" + i, cases.get(i % cases.size()).text()));
        }
    }

    TurnScores evaluateTurns(List<EvalData.Case> cases) {
        Map<String, int[]> perIntent = new TreeMap<>(); // tp, fp, fn, support
        Map<String, Integer> confusions = new HashMap<>();
        long[] latencies = new long[cases.size()];
        int inScope = 0, correct = 0, oos = 0, oosCaught = 0, falseFallback = 0, slotsListed = 0, slotsRight = 0;
        for (int i = 0; i < cases.size(); i++) {
            EvalData.Case c = cases.get(i);
            Reply reply = engine.chat(ChatRequest.of("eval", "eval-" + (++sessionCounter), c.text()));
            latencies[i] = reply.latency().toNanos();
            String got = reply.isFallback() ? FALLBACK : reply.intent();
            boolean isOos = c.intent().equals(EvalData.OOS);
            if (isOos) {
                oos++;
                if (reply.isFallback()) {
                    oosCaught++;
                } else {
                    perIntent.computeIfAbsent(got, k -> new int[4])[1]++;
                    confusions.merge("oos -> " + got, 1, Integer::sum);
                }
                continue;
            }
            inScope++;
            int[] expected = perIntent.computeIfAbsent(c.intent(), k -> new int[4]);
            expected[3]++;
            if (c.intent().equals(got)) {
                correct++;
                expected[0]++;
            } else {
                expected[2]++;
                if (reply.isFallback()) {
                    falseFallback++;
                } else {
                    perIntent.computeIfAbsent(got, k -> new int[4])[1]++;
                }
                confusions.merge(c.intent() + " -> " + got, 1, Integer::sum);
            }
            for (Map.Entry<String, String> slot : c.slots().entrySet()) {
                slotsListed++;
                if (slot.getValue().equals(reply.slots().get(slot.getKey()))) {
                    slotsRight++;
                }
            }
        }
        double macroF1 = printIntentTable(perIntent);
        printConfusions(confusions);
        Arrays.sort(latencies);
        double p50 = Latencies.percentileMillis(latencies, 50);
        double p99 = Latencies.percentileMillis(latencies, 99);
        out.printf(Locale.ROOT, "latency per turn: p50 %.3f ms, p99 %.3f ms%n", p50, p99);
        return new TurnScores(ratio(correct, inScope), macroF1, ratio(oosCaught, oos), ratio(falseFallback, inScope),
                ratio(slotsRight, slotsListed), cases.size(), p50, p99);
    }

    DialogScores evaluateDialogs(List<EvalData.Dialog> dialogs) {
        int turns = 0, right = 0, successes = 0;
        Map<String, Integer> confusions = new HashMap<>();
        Map<String, int[]> perKind = new TreeMap<>(); // right, turns
        List<Long> latencies = new ArrayList<>();
        for (EvalData.Dialog dialog : dialogs) {
            String session = "eval-dialog-" + (++sessionCounter);
            boolean allRight = true;
            for (EvalData.Case c : dialog.turns()) {
                Reply reply = engine.chat(ChatRequest.of("eval", session, c.text()));
                latencies.add(reply.latency().toNanos());
                turns++;
                boolean intentRight = c.intent().equals(EvalData.OOS) ? reply.isFallback()
                        : !reply.isFallback() && c.intent().equals(reply.intent());
                boolean slotsRight = c.slots().entrySet().stream()
                        .allMatch(e -> e.getValue().equals(reply.slots().get(e.getKey())));
                int[] kind = c.kind().isEmpty() ? null : perKind.computeIfAbsent(c.kind(), k -> new int[2]);
                if (kind != null) {
                    kind[1]++;
                }
                if (intentRight && slotsRight) {
                    right++;
                    if (kind != null) {
                        kind[0]++;
                    }
                } else {
                    allRight = false;
                    String got = reply.isFallback() ? FALLBACK : reply.intent();
                    confusions.merge(dialog.id() + ": '" + c.text() + "' expected " + c.intent() + c.slots() + " got "
                            + got + reply.slots(), 1, Integer::sum);
                }
            }
            if (allRight) {
                successes++;
            }
        }
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        out.printf(Locale.ROOT, "latency per turn: p50 %.3f ms, p99 %.3f ms%n", Latencies.percentileMillis(sorted, 50),
                Latencies.percentileMillis(sorted, 99));
        if (!perKind.isEmpty()) {
            out.printf(Locale.ROOT, "%-12s %9s %8s%n", "turn kind", "accuracy", "turns");
            perKind.forEach((k, v) -> out.printf(Locale.ROOT, "%-12s %9.4f %8d%n", k, ratioOrZero(v[0], v[1]), v[1]));
        }
        if (!confusions.isEmpty()) {
            out.println("wrong turns:");
            confusions.keySet().stream().sorted().limit(200).forEach(k -> out.println("  " + k));
        }
        return new DialogScores(ratio(right, turns), ratio(successes, dialogs.size()), dialogs.size(), turns);
    }

    /** Prints precision/recall/F1 per labelled intent and returns the macro F1. */
    private double printIntentTable(Map<String, int[]> perIntent) {
        out.printf(Locale.ROOT, "%-24s %9s %9s %9s %8s%n", "intent", "precision", "recall", "f1", "support");
        double sum = 0;
        int count = 0;
        for (Map.Entry<String, int[]> e : perIntent.entrySet()) {
            int[] v = e.getValue();
            if (v[3] == 0) {
                continue; // predicted but never labelled: counted in others' precision only
            }
            double precision = ratioOrZero(v[0], v[0] + v[1]);
            double recall = ratioOrZero(v[0], v[3]);
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            sum += f1;
            count++;
            out.printf(Locale.ROOT, "%-24s %9.4f %9.4f %9.4f %8d%n", e.getKey(), precision, recall, f1, v[3]);
        }
        return count == 0 ? Double.NaN : sum / count;
    }

    private void printConfusions(Map<String, Integer> confusions) {
        if (confusions.isEmpty()) {
            return;
        }
        out.println("costliest confusions (expected -> got):");
        List<Map.Entry<String, Integer>> sorted = new ArrayList<>(confusions.entrySet());
        sorted.sort(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()));
        sorted.stream().limit(15).forEach(e -> out.printf(Locale.ROOT, "  %3d  %s%n", e.getValue(), e.getKey()));
    }


    private static double ratio(int a, int b) {
        return b == 0 ? Double.NaN : (double) a / b;
    }

    private static double ratioOrZero(int a, int b) {
        return b == 0 ? 0 : (double) a / b;
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "nan" : String.format(Locale.ROOT, "%.4f", v);
    }

    static TreeSet<String> unknownIntents(List<EvalData.Case> cases, java.util.Set<String> known) {
        TreeSet<String> unknown = new TreeSet<>();
        for (EvalData.Case c : cases) {
            if (!c.intent().equals(EvalData.OOS) && !known.contains(c.intent())) {
                unknown.add(c.intent());
            }
        }
        return unknown;
    }
}
