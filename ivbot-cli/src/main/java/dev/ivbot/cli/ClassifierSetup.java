package dev.ivbot.cli;

import dev.ivbot.DialogEngine;
import dev.ivbot.kb.KnowledgeBase;
import java.nio.file.Path;
import java.util.List;

/** Which classifiers this build can offer, and how to wire the model-based ones. */
final class ClassifierSetup {
    static final List<String> KINDS = List.of("rules", "onnx", "hybrid");

    private ClassifierSetup() {}

    static String bestAvailable() {
        return "rules";
    }

    static DialogEngine.Builder configureModel(DialogEngine.Builder builder, String kind, KnowledgeBase kb, Path kbPath) {
        throw new IllegalArgumentException("the '" + kind + "' classifier is not available in this build");
    }
}
