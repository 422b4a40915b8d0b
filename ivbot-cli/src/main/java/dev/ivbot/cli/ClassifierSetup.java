package dev.ivbot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ivbot.DialogEngine;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.onnx.ModelRepository;
import dev.ivbot.onnx.ModelTrainer;
import dev.ivbot.onnx.OnnxIntentClassifier;
import dev.ivbot.rules.RuleClassifier;
import dev.ivbot.spi.IntentClassifier;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Which classifiers the CLI offers and how it wires the model-based ones.
 *
 * <p>Without {@code --model-repo}, each KB gets its own repository under
 * {@code .ivbot/models/kb-<fingerprint>}: the first use of a KB (or of an edited KB) trains a
 * version there (about 15 s on 2 cores), later runs load it at once.
 */
final class ClassifierSetup {
    static final List<String> KINDS = List.of("rules", "onnx", "hybrid");
    /** Share of the model in the hybrid's blended scores; the rules give the rest. */
    static final double HYBRID_MODEL_WEIGHT = 0.7;

    private ClassifierSetup() {}

    /** Hybrid (model first, rules on timeout or error): the most accurate, and always built here. */
    static String bestAvailable() {
        return "hybrid";
    }

    static Path defaultRepository(KnowledgeBase kb) {
        String home = System.getenv("IVBOT_HOME");
        Path base = home == null ? ModelRepository.DEFAULT_REPOSITORY : Path.of(home).resolve(ModelRepository.DEFAULT_REPOSITORY);
        return base.resolve("kb-" + kb.fingerprint());
    }

    /** Serves the newest version of {@code repository}, training one first if it has none. */
    static OnnxIntentClassifier model(KnowledgeBase kb, Path repository, PrintStream progress) {
        if (ModelRepository.newest(repository, ModelRepository.DEFAULT_MODEL).isEmpty()) {
            progress.println("training a model for " + kb + " into " + repository + " (first use of this KB)...");
            ModelTrainer.builder().progress(progress).build().train(kb, repository);
        }
        return OnnxIntentClassifier.builder().repository(repository).knowledgeBase(kb).build();
    }

    static DialogEngine.Builder configureModel(DialogEngine.Builder builder, String kind, KnowledgeBase kb,
            Path repository, PrintStream progress) {
        OnnxIntentClassifier model = model(kb, repository, progress);
        if (kind.equals("onnx")) {
            return builder.primaryClassifier(model);
        }
        double w = Double.parseDouble(System.getProperty("ivbot.blend", String.valueOf(HYBRID_MODEL_WEIGHT)));
        return builder.primaryClassifier(knowledgeBase -> IntentClassifier.blend(model, RuleClassifier.create(knowledgeBase), w))
                .secondaryClassifier(RuleClassifier.factory());
    }

    /** The KB fingerprint a model version was trained from, if its manifest says. */
    static Optional<String> trainedFrom(Path versionDir) {
        try {
            JsonNode manifest = new ObjectMapper().readTree(versionDir.resolve("manifest.json").toFile());
            return Optional.ofNullable(manifest.path("kbFingerprint").asText(null));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static boolean exists(Path path) {
        return Files.exists(path);
    }
}
