package dev.ivbot.spring.internal;

import dev.ivbot.DialogEngine;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.rules.RuleClassifier;
import dev.ivbot.spring.InvalidPropertyException;
import dev.ivbot.spring.IvbotProperties;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.springframework.util.ClassUtils;

/**
 * The classifiers of {@code ivbot.classifier.mode}, set on the engine builder; owns the model (if any)
 * and closes it after the engine, which Spring ensures by destroying the engine first. Thread-safe.
 */
public final class ClassifierSetup implements AutoCloseable {
    public static final String MODE_PROPERTY = "ivbot.classifier.mode";
    private static final String ONNX_CLASS = "dev.ivbot.onnx.ModelLifecycle";

    /** The modes {@code ivbot.classifier.mode} accepts. */
    public enum Mode { RULES, ONNX, HYBRID }

    private final String description;
    private final Consumer<DialogEngine.Builder> apply;
    private final AutoCloseable owned;
    private final Supplier<String> modelVersion;

    ClassifierSetup(String description, Consumer<DialogEngine.Builder> apply, AutoCloseable owned,
            Supplier<String> modelVersion) {
        this.description = description;
        this.apply = apply;
        this.owned = owned;
        this.modelVersion = modelVersion;
    }

    public static ClassifierSetup create(IvbotProperties.Classifier properties, KnowledgeBase kb, ClassLoader loader) {
        Mode mode = mode(properties.getMode());
        if (mode == Mode.RULES) {
            return new ClassifierSetup("rules", b -> b.primaryClassifier(RuleClassifier.factory()), () -> {},
                    () -> "rules");
        }
        if (!ClassUtils.isPresent(ONNX_CLASS, loader)) {
            throw new InvalidPropertyException(MODE_PROPERTY, properties.getMode(),
                    "the model modes need dev.ivbot:ivbot-onnx on the classpath",
                    "add the dependency dev.ivbot:ivbot-onnx, or set " + MODE_PROPERTY + "=rules");
        }
        return OnnxClassifiers.create(mode, properties, kb);
    }

    static Mode mode(String value) {
        try {
            return Mode.valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidPropertyException(MODE_PROPERTY, value, "unknown classifier mode",
                    "set " + MODE_PROPERTY + " to rules, onnx or hybrid");
        }
    }

    /** Sets the primary and secondary classifiers on {@code builder}. */
    public void applyTo(DialogEngine.Builder builder) {
        apply.accept(builder);
    }

    /** One line saying what classifies, for the info endpoint and the logs. */
    public String description() {
        return description;
    }

    /** The model version serving now, or {@code rules}. */
    public String modelVersion() {
        return modelVersion.get();
    }

    @Override
    public void close() throws Exception {
        owned.close();
    }
}
