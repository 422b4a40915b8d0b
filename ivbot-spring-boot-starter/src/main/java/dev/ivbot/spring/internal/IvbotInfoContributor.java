package dev.ivbot.spring.internal;

import dev.ivbot.DialogEngine;
import dev.ivbot.kb.KnowledgeBase;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;

/** {@code ivbot} in {@code /actuator/info}: the KB in force (name, fingerprint, intents) and the model. Thread-safe. */
public final class IvbotInfoContributor implements InfoContributor {
    private final DialogEngine engine;
    private final ClassifierSetup classifiers;

    public IvbotInfoContributor(DialogEngine engine, ClassifierSetup classifiers) {
        this.engine = engine;
        this.classifiers = classifiers;
    }

    @Override
    public void contribute(Info.Builder builder) {
        KnowledgeBase kb = engine.knowledgeBase();
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("kb", Map.of("name", kb.name(), "fingerprint", kb.fingerprint(), "intents", kb.intents().size()));
        info.put("classifier", Map.of("primary", engine.primaryClassifier().name(),
                "version", engine.primaryClassifier().version(), "setup", classifiers.description()));
        info.put("sessionStore", engine.sessionStore().health().description());
        builder.withDetail("ivbot", info);
    }
}
