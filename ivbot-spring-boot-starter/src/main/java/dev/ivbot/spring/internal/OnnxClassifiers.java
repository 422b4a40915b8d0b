package dev.ivbot.spring.internal;

import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.onnx.ModelLifecycle;
import dev.ivbot.onnx.ModelRepository;
import dev.ivbot.onnx.OnnxIntentClassifier;
import dev.ivbot.rules.RuleClassifier;
import dev.ivbot.spring.IvbotProperties;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The model modes; a class of its own so that the rules mode never loads ivbot-onnx's classes. */
final class OnnxClassifiers {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxClassifiers.class);

    private OnnxClassifiers() {}

    static ClassifierSetup create(ClassifierSetup.Mode mode, IvbotProperties.Classifier properties, KnowledgeBase kb) {
        Path repository = properties.getModelRepository() != null ? properties.getModelRepository()
                : ModelRepository.toolRepository(kb);
        LOG.info("ivbot: loading the model from {} (training a first version from the KB if it has none)", repository);
        ModelLifecycle model = ModelLifecycle.builder()
                .classifier(OnnxIntentClassifier.builder().repository(repository).knowledgeBase(kb)
                        .listener(e -> LOG.info("ivbot model {}: {} {} {}", e.type(), e.model(), e.version(), e.reason())))
                .build();
        String description = (mode == ClassifierSetup.Mode.HYBRID ? "hybrid: onnx blended with rules" : "onnx")
                + " from " + repository + ", rules as secondary";
        return new ClassifierSetup(description, b -> {
            if (mode == ClassifierSetup.Mode.HYBRID) {
                b.primaryClassifier(model.hybrid(RuleClassifier.factory()));
            } else {
                b.primaryClassifier(model.model());
            }
            b.secondaryClassifier(RuleClassifier.factory());
        }, model, () -> model.model().version());
    }
}
