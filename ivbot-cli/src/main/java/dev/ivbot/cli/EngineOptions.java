package dev.ivbot.cli;

import dev.ivbot.DialogEngine;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.onnx.ModelRepository;
import dev.ivbot.rules.RuleClassifier;
import dev.ivbot.spi.SessionStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.Option;

/**
 * The options every command that builds an engine shares: which KB and which classifier. It owns
 * what {@link #engineBuilder} creates for the engine (the model) and the store handed to it, and
 * closes them in {@link #close()}, after the command has closed its engine.
 */
final class EngineOptions implements AutoCloseable {
    private final java.util.Deque<AutoCloseable> created = new java.util.ArrayDeque<>();

    /** Where the demo KB lives relative to the repository root (the launcher runs from there). */
    static final Path DEFAULT_KB = Path.of("examples", "hr-demo-kb");

    @Option(names = "--kb", paramLabel = "DIR|FILE", description = "Knowledge base folder or file (default: the demo KB).")
    Path kb;

    @Option(names = "--classifier", paramLabel = "rules|onnx|hybrid",
            description = "Intent classifier (default: hybrid, the model with the rules as fallback).")
    String classifier;

    @Option(names = "--model-repo", paramLabel = "DIR",
            description = "Model repository for onnx/hybrid (default: .ivbot/models/kb-<KB fingerprint>, trained on first use).")
    Path modelRepository;

    @Option(names = "--context", paramLabel = "off|fast|primary|composed",
            description = "Which classifier reads a follow-up with the topic's question (default: composed, the model from "
                    + "the two texts' cached embeddings, no second pass; primary: the model, one more pass over the joined text; "
                    + "fast: the rules, microseconds; off: bare slot follow-ups only).")
    String context;

    dev.ivbot.ContextReading contextReading() {
        if (context == null) {
            return DialogEngine.DEFAULT_CONTEXT_READING;
        }
        try {
            return dev.ivbot.ContextReading.valueOf(context.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--context must be one of " + Arrays.stream(dev.ivbot.ContextReading.values())
                    .map(r -> r.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")) + ", was '" + context + "'");
        }
    }

    Path kbPath() {
        if (kb != null) {
            return kb;
        }
        Path fromHome = System.getenv("IVBOT_HOME") == null ? DEFAULT_KB
                : Path.of(System.getenv("IVBOT_HOME")).resolve(DEFAULT_KB);
        return Files.exists(fromHome) ? fromHome : DEFAULT_KB;
    }

    KnowledgeBase loadKnowledgeBase() {
        return KnowledgeBase.load(kbPath());
    }

    String classifierName() {
        String name = classifier == null ? ClassifierSetup.bestAvailable() : classifier.toLowerCase(Locale.ROOT);
        if (!ClassifierSetup.KINDS.contains(name)) {
            throw new IllegalArgumentException("--classifier must be one of " + ClassifierSetup.KINDS + ", was '"
                    + classifier + "'");
        }
        return name;
    }

    /** {@code --model-repo}, or the KB's own repository under {@code .ivbot/models}. */
    Path modelRepository(KnowledgeBase kb) {
        return modelRepository != null ? modelRepository : ModelRepository.toolRepository(kb);
    }

    DialogEngine.Builder engineBuilder(KnowledgeBase kb, SessionStore store) {
        created.push(store);
        DialogEngine.Builder builder = DialogEngine.builder().knowledgeBase(kb).sessionStore(store)
                .contextReading(contextReading());
        String name = classifierName();
        if (name.equals("rules")) {
            return builder.primaryClassifier(RuleClassifier.factory());
        }
        Path repository = modelRepository(kb);
        try {
            return ClassifierSetup.configureModel(builder, name, kb, repository, System.err, created::push);
        } catch (RuntimeException | LinkageError e) {
            if (classifier != null) {
                throw e; // asked for by name: say why it cannot be had
            }
            // the default is "the best available": without a working model (no native ONNX Runtime
            // for this platform, say) that is the rules
            System.err.println("ivbot: the model is not available (" + e + "); using the rules");
            return builder.primaryClassifier(RuleClassifier.factory());
        }
    }

    /** Takes {@code resource} to close in {@link #close()}. */
    <T extends AutoCloseable> T own(T resource) {
        created.push(resource);
        return resource;
    }

    /** Closes the models and stores {@link #engineBuilder} was given or created, newest first. */
    @Override
    public void close() {
        while (!created.isEmpty()) {
            try {
                created.pop().close();
            } catch (Exception e) {
                System.err.println("ivbot: closing " + e.getMessage() + " failed");
            }
        }
    }
}
