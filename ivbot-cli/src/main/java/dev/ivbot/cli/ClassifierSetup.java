package dev.ivbot.cli;

import dev.ivbot.DialogEngine;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.onnx.Hybrid;
import dev.ivbot.rules.RuleClassifier;
import dev.ivbot.onnx.ModelRepository;
import dev.ivbot.onnx.ModelTrainer;
import dev.ivbot.onnx.OnnxIntentClassifier;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Which classifiers the CLI offers and how it wires the model-based ones.
 *
 * <p>Without {@code --model-repo}, each KB gets its own repository under
 * {@code .ivbot/models/kb-<fingerprint>}: the first use of a KB (or of an edited KB) trains a
 * version there (about 15 s on 2 cores), later runs load it at once.
 */
final class ClassifierSetup {
    static final List<String> KINDS = List.of("rules", "onnx", "hybrid");

    private ClassifierSetup() {}

    /** Hybrid (model first, rules on timeout or error): the most accurate, and always built here. */
    static String bestAvailable() {
        return "hybrid";
    }

    /** Serves the newest version of {@code repository}, training one first if it has none. */
    static OnnxIntentClassifier model(KnowledgeBase kb, Path repository, PrintStream progress) {
        if (ModelRepository.newest(repository, ModelRepository.DEFAULT_MODEL).isEmpty()) {
            progress.println("training a model for " + kb + " into " + repository + " (first use of this KB)...");
            ModelTrainer.builder().progress(progress).build().train(kb, repository);
        }
        return OnnxIntentClassifier.builder().repository(repository).knowledgeBase(kb).build();
    }

    /** Wires the model-based classifiers; the model goes to {@code owner}, which closes it after the engine. */
    static DialogEngine.Builder configureModel(DialogEngine.Builder builder, String kind, KnowledgeBase kb,
            Path repository, PrintStream progress, java.util.function.Consumer<AutoCloseable> owner) {
        OnnxIntentClassifier model = model(kb, repository, progress);
        owner.accept(model);
        if (kind.equals("onnx")) {
            return builder.primaryClassifier(model);
        }
        return Hybrid.configure(builder, model, RuleClassifier.factory());
    }
}
