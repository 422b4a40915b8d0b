package dev.ivbot.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.ivbot.DialogEngine.ClassifierSpec;
import dev.ivbot.Language;
import dev.ivbot.internal.text.ClosingIntents;
import dev.ivbot.internal.text.TextNormalizer;
import dev.ivbot.kb.Intent;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.spi.Classification;
import dev.ivbot.spi.IntentClassifier;
import java.util.Collections;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a {@link dev.ivbot.DialogEngine} derives from one KB: the classifiers, the slot extractor, the
 * classification cache; swapped as a whole on reload. Reference counted: the engine holds one reference
 * while it is in force, each turn one while it runs; the classifiers the engine built for it from specs
 * close when the last reference goes. Thread-safe.
 */
public final class EngineRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(EngineRuntime.class);

    /**
     * Classifiers some engine built from a spec and will close; a spec that hands out one of them
     * again (to a second engine, or on a reload) is refused, so that no owned instance is shared.
     */
    private static final Set<IntentClassifier> OWNED = Collections.synchronizedSet(
            Collections.newSetFromMap(new WeakHashMap<>()));

    private final KnowledgeBase knowledgeBase;
    private final SlotExtractor slotExtractor;
    private final IntentClassifier primary;
    private final @Nullable IntentClassifier secondary;
    private final boolean ownsPrimary;
    private final boolean ownsSecondary;
    private final Cache<String, CachedClassification> cache;
    private final @Nullable IntentClassifier fastClassifier;
    private final Set<String> wordlessExamples;
    private final Set<String> closings;
    private final AtomicInteger references = new AtomicInteger(1);

    /** A classification cached under a turn's normalised text, for the model version that made it. */
    private record CachedClassification(Classification classification, String version) {}

    private EngineRuntime(KnowledgeBase kb, IntentClassifier primary, @Nullable IntentClassifier secondary,
            boolean ownsPrimary, boolean ownsSecondary, long cacheSize) {
        this.knowledgeBase = kb;
        this.slotExtractor = new SlotExtractor(kb);
        this.primary = primary;
        this.secondary = secondary;
        this.ownsPrimary = ownsPrimary;
        this.ownsSecondary = ownsSecondary;
        this.cache = Caffeine.newBuilder().maximumSize(cacheSize).executor(Runnable::run).build();
        this.fastClassifier = primary.isNonBlocking() ? primary
                : secondary != null && secondary.isNonBlocking() ? secondary : null;
        this.wordlessExamples = wordlessExamples(kb);
        this.closings = ClosingIntents.of(kb);
    }

    /**
     * Builds the spec'd classifiers for {@code kb} (closing them again if a later step fails); a classifier
     * given as an instance (spec null) is used as it is and never closed.
     */
    public static EngineRuntime create(KnowledgeBase kb, @Nullable ClassifierSpec primarySpec,
            @Nullable IntentClassifier primary, @Nullable ClassifierSpec secondarySpec,
            @Nullable IntentClassifier secondary, long cacheSize) {
        IntentClassifier p = primarySpec != null ? own(primarySpec, kb, "primary") : Objects.requireNonNull(primary);
        try {
            IntentClassifier s = secondarySpec != null ? own(secondarySpec, kb, "secondary") : secondary;
            try {
                return new EngineRuntime(kb, p, s, primarySpec != null, secondarySpec != null, cacheSize);
            } catch (RuntimeException | Error e) {
                if (secondarySpec != null && s != null) {
                    disown(s);
                }
                throw e;
            }
        } catch (RuntimeException | Error e) {
            if (primarySpec != null) {
                disown(p);
            }
            throw e;
        }
    }

    public KnowledgeBase knowledgeBase() {
        return knowledgeBase;
    }

    public SlotExtractor slotExtractor() {
        return slotExtractor;
    }

    public IntentClassifier primary() {
        return primary;
    }

    public @Nullable IntentClassifier secondary() {
        return secondary;
    }

    /** The primary if it is non-blocking, else the secondary if it is (a hybrid's rules); else null. */
    public @Nullable IntentClassifier fastClassifier() {
        return fastClassifier;
    }

    /** The KB's own examples that the noise gate would drop ("886", "3q"): the author's word beats the gate. */
    public boolean isWordlessExample(String normalized) {
        return wordlessExamples.contains(normalized);
    }

    /** The KB's closing intents: read as one alone, a turn ends the conversation, it is not a sub-question of the topic. */
    public Set<String> closings() {
        return closings;
    }

    /** The cached classification of this normalised text by this version, if any. */
    public @Nullable Classification cached(String normalized, String version) {
        CachedClassification cached = cache.getIfPresent(normalized);
        return cached != null && cached.version().equals(version) ? cached.classification() : null;
    }

    public void cache(String normalized, Classification classification, String version) {
        cache.put(normalized, new CachedClassification(classification, version));
    }

    /** Takes a reference; false once the last one has gone (the runtime was retired). */
    public boolean retain() {
        while (true) {
            int n = references.get();
            if (n == 0) {
                return false;
            }
            if (references.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Drops a reference; the last one closes the classifiers built from specs. */
    public void release() {
        if (references.decrementAndGet() == 0) {
            if (ownsPrimary) {
                disown(primary);
            }
            if (ownsSecondary && secondary != null) {
                disown(secondary);
            }
        }
    }

    private static Set<String> wordlessExamples(KnowledgeBase kb) {
        Set<String> out = new HashSet<>();
        for (Intent intent : kb.intents().values()) {
            for (Language language : Language.values()) {
                for (String example : intent.examples(language)) {
                    String normalized = TextNormalizer.normalize(example);
                    if (!DialogPolicy.hasWords(normalized)) {
                        out.add(normalized);
                    }
                }
            }
        }
        return Set.copyOf(out);
    }

    private static IntentClassifier own(ClassifierSpec spec, KnowledgeBase kb, String role) {
        IntentClassifier c = Objects.requireNonNull(spec.create(kb), () -> "the " + role + " classifier spec returned null");
        if (!OWNED.add(c)) {
            throw new IllegalStateException("the " + role + " classifier spec returned an instance that an engine "
                    + "already owns (" + c.name() + "); a spec must build a new classifier on each call, or hand the "
                    + "instance to the builder with " + role + "Classifier(IntentClassifier) and close it yourself");
        }
        return c;
    }

    private static void disown(IntentClassifier c) {
        OWNED.remove(c);
        try {
            c.close();
        } catch (RuntimeException e) {
            LOG.warn("closing classifier {} failed: {}", c.name(), e.toString());
        }
    }
}
