package dev.ivbot.kb;

import dev.ivbot.Language;
import dev.ivbot.internal.kb.KnowledgeBaseLoader;
import dev.ivbot.internal.kb.KnowledgeBaseParts;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A loaded, validated knowledge base. See {@code docs/kb-format.md} for the file format.
 *
 * <pre>{@code
 * KnowledgeBase kb = KnowledgeBase.load(Path.of("examples/hr-demo-kb"));
 * }</pre>
 *
 * <p>Immutable and thread-safe. To change a running engine's KB, load a new one and pass it to
 * {@link dev.ivbot.DialogEngine#reloadKnowledgeBase(KnowledgeBase)}.
 */
public final class KnowledgeBase {

    /** The built-in system messages; a KB may override each. */
    public static final String MESSAGE_FALLBACK = "fallback";
    public static final String MESSAGE_CLARIFY = "clarify";
    public static final String MESSAGE_BUSY = "busy";

    private final String name;
    private final String fingerprint;
    private final Settings settings;
    private final Map<String, LocalizedText> messages;
    private final Map<Language, List<String>> followupFillers;
    private final Map<String, SlotDefinition> slots;
    private final Map<String, Intent> intents;
    /** Computed on first use; a benign race computes the same value twice. */
    private volatile @Nullable String trainingFingerprint;

    private KnowledgeBase(KnowledgeBaseParts parts) {
        this(parts.name(), parts.fingerprint(), parts.settings(), parts.messages(), parts.followupFillers(),
                parts.slots(), parts.intents());
    }

    private KnowledgeBase(String name, String fingerprint, Settings settings, Map<String, LocalizedText> messages,
            Map<Language, List<String>> followupFillers, Map<String, SlotDefinition> slots,
            Map<String, Intent> intents) {
        this.name = name;
        this.fingerprint = fingerprint;
        this.settings = settings;
        this.messages = Collections.unmodifiableMap(new LinkedHashMap<>(messages));
        this.followupFillers = Map.copyOf(followupFillers);
        this.slots = Collections.unmodifiableMap(new LinkedHashMap<>(slots));
        this.intents = Collections.unmodifiableMap(new LinkedHashMap<>(intents));
    }

    /**
     * Loads a KB folder (every {@code *.yaml} / {@code *.yml} file under it, in path order) or a
     * single YAML file.
     *
     * @throws KnowledgeBaseException naming the file and line of each problem
     */
    public static KnowledgeBase load(Path path) {
        return new KnowledgeBase(KnowledgeBaseLoader.load(path));
    }

    /**
     * Loads a KB from YAML documents held in memory (for example read from the classpath).
     *
     * @param documents source name (used in error messages) to YAML text, in load order
     * @throws KnowledgeBaseException naming the document and line of each problem
     */
    public static KnowledgeBase fromYaml(Map<String, String> documents) {
        return new KnowledgeBase(KnowledgeBaseLoader.fromDocuments(documents));
    }

    /** Loads a KB from one YAML document. */
    public static KnowledgeBase fromYaml(String sourceName, String yaml) {
        return fromYaml(Map.of(sourceName, yaml));
    }

    public String name() {
        return name;
    }

    /** A short hash of the KB's content; changes with any edit. */
    public String fingerprint() {
        return fingerprint;
    }

    /**
     * A short hash of what classifiers learn from: the intents, in order, and their examples. An
     * edit that leaves it unchanged (answers, messages, slot synonyms, rules, settings) needs no
     * retraining.
     */
    public String trainingFingerprint() {
        String f = trainingFingerprint;
        if (f == null) {
            try {
                java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
                for (Intent intent : intents.values()) {
                    digest(sha, "intent", intent.id());
                    for (String e : intent.examplesZh()) {
                        digest(sha, "zh", e);
                    }
                    for (String e : intent.examplesEn()) {
                        digest(sha, "en", e);
                    }
                }
                f = java.util.HexFormat.of().formatHex(sha.digest(), 0, 8);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is part of every Java platform", e);
            }
            trainingFingerprint = f;
        }
        return f;
    }

    private static void digest(java.security.MessageDigest sha, String kind, String value) {
        sha.update(kind.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        sha.update((byte) 0);
    }

    public Settings settings() {
        return settings;
    }

    /** This KB with other dialog thresholds (for tuning them); everything else is shared. */
    public KnowledgeBase withSettings(Settings newSettings) {
        return new KnowledgeBase(name, fingerprint, java.util.Objects.requireNonNull(newSettings, "newSettings"),
                messages, followupFillers, slots, intents);
    }

    /**
     * This KB with other intents (a subset for an experiment, an edited copy), in the given order;
     * everything else is shared. Its {@link #fingerprint()} differs from this KB's whenever the intents do.
     *
     * @throws IllegalArgumentException if {@code newIntents} is empty or a key is not its intent's id
     */
    public KnowledgeBase withIntents(Map<String, Intent> newIntents) {
        if (newIntents.isEmpty()) {
            throw new IllegalArgumentException("a knowledge base needs at least one intent");
        }
        newIntents.forEach((id, intent) -> {
            if (!id.equals(intent.id())) {
                throw new IllegalArgumentException("intent '" + intent.id() + "' is keyed as '" + id + "'");
            }
        });
        String newFingerprint = newIntents.equals(intents) ? fingerprint
                : fingerprint + "-" + Integer.toHexString(newIntents.hashCode());
        return new KnowledgeBase(name, newFingerprint, settings, messages, followupFillers, slots, newIntents);
    }

    /** The intents in file order. */
    public Map<String, Intent> intents() {
        return intents;
    }

    public Optional<Intent> intent(String id) {
        return Optional.ofNullable(intents.get(id));
    }

    /** The slots in file order. */
    public Map<String, SlotDefinition> slots() {
        return slots;
    }

    /** A system message (see the {@code MESSAGE_*} constants) in one language. */
    public String message(String key, Language language) {
        LocalizedText text = messages.get(key);
        if (text == null) {
            throw new IllegalArgumentException("no message '" + key + "'");
        }
        return text.in(language);
    }

    /** Words that may surround a bare slot value in a follow-up turn. */
    public List<String> followupFillers(Language language) {
        return followupFillers.getOrDefault(language, List.of());
    }

    @Override
    public String toString() {
        return "KnowledgeBase[" + name + ", " + intents.size() + " intents, " + fingerprint + "]";
    }

    /**
     * Dialog thresholds.
     *
     * @param confidenceThreshold below this the fallback answers
     * @param clarifyMargin when the best two intents are closer than this and neither is above the
     *     threshold by the margin, the reply asks which one was meant
     */
    public record Settings(double confidenceThreshold, double clarifyMargin) {
        public static final double DEFAULT_CONFIDENCE_THRESHOLD = 0.45;
        public static final double DEFAULT_CLARIFY_MARGIN = 0.15;
        public static final Settings DEFAULT = new Settings(DEFAULT_CONFIDENCE_THRESHOLD, DEFAULT_CLARIFY_MARGIN);
    }
}
