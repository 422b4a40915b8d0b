package dev.ivbot.examples.server;

import dev.ivbot.DialogEngine;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.onnx.ModelLifecycle;
import dev.ivbot.onnx.ModelRepository;
import dev.ivbot.onnx.OnnxIntentClassifier;
import dev.ivbot.rules.RuleClassifier;
import java.nio.file.Path;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the classifiers from {@link ServerConfig#modelMode()}: the hybrid (the ONNX model blended with
 * the rules, the rules alone as secondary) when a model repository is given or
 * {@code $IVBOT_HOME/.ivbot/models/kb-<fingerprint>} holds a version for the served KB (which
 * {@code ./ivbot serve} trains on first use), else the rules alone. The model is a
 * {@link ModelLifecycle}: a KB edit that changes examples or intents trains, gates and swaps a new
 * version in the background.
 */
final class Classifiers {
    private static final Logger LOG = LoggerFactory.getLogger(Classifiers.class);

    private Classifiers() {}

    /**
     * What {@link #configure} set up: a one-line description, and the model lifecycle when there is
     * a model (the server closes it after the engine).
     */
    record Setup(String description, @Nullable ModelLifecycle model) implements AutoCloseable {
        @Override
        public void close() {
            if (model != null) {
                model.close();
            }
        }
    }

    /** Sets the primary (and secondary) classifier on {@code builder}. */
    static Setup configure(DialogEngine.Builder builder, ServerConfig config, KnowledgeBase kb) {
        Optional<Path> repository = switch (config.modelMode()) {
            case RULES -> Optional.empty();
            case REPOSITORY -> config.modelRepository();
            case AUTO -> {
                Path auto = ModelRepository.toolRepository(kb);
                yield ModelRepository.newest(auto, ModelRepository.DEFAULT_MODEL).isPresent()
                        ? Optional.of(auto) : Optional.empty();
            }
        };
        if (repository.isEmpty()) {
            builder.primaryClassifier(RuleClassifier.factory());
            return new Setup("rules", null);
        }
        Path repo = repository.get();
        LOG.info("loading the ONNX model from {} (training a first version from the KB if it has none)", repo);
        ModelLifecycle model;
        try {
            OnnxIntentClassifier.Builder classifier = OnnxIntentClassifier.builder()
                    .repository(repo)
                    .knowledgeBase(kb)
                    .listener(e -> LOG.info("model {}: {} {} {}", e.type(), e.model(), e.version(), e.reason()));
            // with a canary policy a new version (an operator's or one retrained after a KB edit) serves
            // a share of users first and is promoted or rolled back by its figures
            config.canary().ifPresent(classifier::canary);
            model = ModelLifecycle.builder().classifier(classifier).build();
        } catch (RuntimeException | LinkageError e) {
            if (config.modelMode() == ServerConfig.ModelMode.REPOSITORY) {
                throw e; // a repository the operator named must work
            }
            LOG.warn("the model in {} cannot be served ({}); answering with the rules", repo, e.toString());
            builder.primaryClassifier(RuleClassifier.factory());
            return new Setup("rules (model unavailable: " + e.getMessage() + ")", null);
        }
        // the classifier counts each version's turns: a canary's decision and the model API's figures
        builder.primaryClassifier(model.hybrid(RuleClassifier.factory())).secondaryClassifier(RuleClassifier.factory())
                .listener(model.classifier().turnListener());
        return new Setup("hybrid: onnx " + repo + " blended with rules, rules as secondary; retrained on KB example edits",
                model);
    }
}
