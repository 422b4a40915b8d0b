package dev.ivbot.cli;

import dev.ivbot.DialogEngine;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.spi.SessionStore;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./ivbot eval}: scores an evaluation file end to end through DialogEngine. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a JSONL file (single turns or dialogs) through DialogEngine; the last line holds the headline figures.")
final class EvalCommand implements Callable<Integer> {

    @Mixin
    EngineOptions options;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Evaluation file (JSON Lines).")
    Path data;

    @Override
    public Integer call() {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        EvalData.File file;
        KnowledgeBase kb;
        try {
            file = EvalData.read(data);
            kb = options.loadKnowledgeBase();
        } catch (RuntimeException e) {
            System.err.println("ivbot eval: " + e.getMessage());
            return 2;
        }
        List<EvalData.Case> all = new ArrayList<>(file.turns());
        file.dialogs().forEach(d -> all.addAll(d.turns()));
        TreeSet<String> unknown = Evaluator.unknownIntents(all, kb.intents().keySet());
        if (!unknown.isEmpty()) {
            out.println("warning: labels not in the KB (always counted wrong): " + unknown);
        }
        // no classification cache: each line should be classified, not answered from an earlier line
        DialogEngine.Builder builder = options.engineBuilder(kb, SessionStore.inMemory()).classificationCacheSize(0);
        try (EngineOptions owned = options; DialogEngine engine = builder.build()) {
            out.println("kb: " + kb + ", classifier: " + engine.primaryClassifier().name() + ", data: " + data);
            Evaluator evaluator = new Evaluator(engine, out);
            // warm the JIT and the model's sessions so that latency is the steady state; throwaway
            // sessions, and no classification cache, so nothing carries over to the scored turns
            evaluator.warmUp(all, 2000);
            if (file.isDialogs()) {
                out.println(evaluator.evaluateDialogs(file.dialogs()).headline());
            } else {
                out.println(evaluator.evaluateTurns(file.turns()).headline());
            }
        }
        return 0;
    }
}
