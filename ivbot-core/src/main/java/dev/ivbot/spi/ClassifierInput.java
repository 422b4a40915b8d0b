package dev.ivbot.spi;

import dev.ivbot.Language;
import dev.ivbot.internal.text.TextNormalizer;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a classifier sees of a turn: the text, and what the dialog has established so far.
 *
 * <p>The dialog fields let a classifier read a follow-up in context ("is it paid?" after a
 * probation question); a classifier that ignores them scores the text alone, as before. The
 * engine's dialog policy already weighs the topic itself (it has the classifier read "topic
 * question + this question" as a second input, see {@link dev.ivbot.ContextReading}), so no
 * classifier has to. The engine caches stand-alone readings by {@link #normalized()} alone: a
 * classifier may use the dialog fields for hints that do not change the ranking of a text (to
 * report the topic's score, say), not to rank the same text differently per session.
 *
 * @param text the text as the user typed it (trimmed, control characters removed)
 * @param normalized the normalised text (NFKC, lower case, single spaces): the cache key
 * @param language the detected language
 * @param previousIntent the session's topic: the last intent answered in it, or {@code null} in a
 *     new session; a fallback turn does not change it
 * @param slots the slot values in force before this turn
 * @param lastQuestion the question that set the topic (the first of the latest turns answered
 *     with {@code previousIntent}), or {@code null}
 * @param userId the user asking, or {@code null} when the text is not a user's turn (a gate set, a
 *     warm-up); a classifier may use it only to choose which model version answers (a canary
 *     rollout by user), see {@link IntentClassifier#versionFor}
 *
 * <p>Immutable and thread-safe.
 */
public record ClassifierInput(String text, String normalized, Language language, @Nullable String previousIntent,
        Map<String, String> slots, @Nullable String lastQuestion, @Nullable String userId) {

    public ClassifierInput {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(normalized, "normalized");
        Objects.requireNonNull(language, "language");
        slots = Map.copyOf(slots);
    }

    /** A turn without a user id. */
    public ClassifierInput(String text, String normalized, Language language, @Nullable String previousIntent,
            Map<String, String> slots, @Nullable String lastQuestion) {
        this(text, normalized, language, previousIntent, slots, lastQuestion, null);
    }

    /** A turn read on its own: no topic, no slots, no previous question, no user. */
    public ClassifierInput(String text, String normalized, Language language) {
        this(text, normalized, language, null, Map.of(), null, null);
    }

    /** True if the dialog has a topic that this turn may continue. */
    public boolean hasContext() {
        return previousIntent != null;
    }

    /**
     * This turn and the question that set the topic as one text, the turn first (the encoder leans
     * on the start of a text, and the topic question is the context, not the question): what a
     * classifier reads by default for {@link IntentClassifier#classifyFollowUpAsync}. This input
     * itself when there is no {@link #lastQuestion()}.
     */
    public ClassifierInput joinedWithTopic() {
        if (lastQuestion == null) {
            return this;
        }
        String joined = text + " " + lastQuestion;
        return new ClassifierInput(joined, TextNormalizer.normalize(joined), language, previousIntent, slots,
                lastQuestion, userId);
    }
}
