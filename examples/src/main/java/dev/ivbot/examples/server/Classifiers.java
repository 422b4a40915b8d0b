package dev.ivbot.examples.server;

import dev.ivbot.DialogEngine;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.onnx.ModelRepository;
import dev.ivbot.onnx.OnnxIntentClassifier;
import dev.ivbot.rules.RuleClassifier;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the classifiers from {@link ServerConfig#modelMode()}: the ONNX model as primary with the
 * rules as secondary when a model repository is given (or {@code .ivbot/models} holds a version),
 * else the rules alone.
 */
final class Classifiers {
    private static final Logger LOG = LoggerFactory.getLogger(Classifiers.class);

    private Classifiers() {}

    /** Sets the primary (and secondary) classifier on {@code builder}; returns a one-line description. */
    static String configure(DialogEngine.Builder builder, ServerConfig config, KnowledgeBase kb) {
        Optional<Path> repository = switch (config.modelMode()) {
            case RULES -> Optional.empty();
            case REPOSITORY -> config.modelRepository();
            case AUTO -> ModelRepository.newest(ModelRepository.DEFAULT_REPOSITORY, ModelRepository.DEFAULT_MODEL)
                    .isPresent() ? Optional.of(ModelRepository.DEFAULT_REPOSITORY) : Optional.empty();
        };
        if (repository.isEmpty()) {
            builder.primaryClassifier(RuleClassifier.factory());
            return "rules";
        }
        Path repo = repository.get();
        LOG.info("loading the ONNX model from {} (training a first version from the KB if it has none)", repo);
        OnnxIntentClassifier onnx = OnnxIntentClassifier.builder()
                .repository(repo)
                .knowledgeBase(kb)
                .listener(e -> LOG.info("model {}: {} {} {}", e.type(), e.model(), e.version(), e.reason()))
                .build();
        builder.primaryClassifier(onnx).secondaryClassifier(RuleClassifier.factory());
        return "onnx " + repo + " (rules as secondary)";
    }
}
