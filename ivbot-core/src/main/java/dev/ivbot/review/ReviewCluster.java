package dev.ivbot.review;

import dev.ivbot.Language;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A group of similar questions from the review queue with what to do about it.
 *
 * @param id stable for these items (a hash of their ids), the handle to act on the cluster
 * @param language the questions' language (clusters never mix languages)
 * @param itemIds the queue items in the cluster
 * @param questions their (redacted) texts, in the order of {@code itemIds}
 * @param representatives up to three questions nearest the cluster's centre
 * @param suggestion {@link Suggestion#ADD_TO_INTENT} when {@code nearestIntent} is near enough, else
 *     {@link Suggestion#NEW_INTENT}
 * @param nearestIntent the KB intent whose examples are nearest, or {@code null} for an empty KB
 * @param nearestScore the mean cosine similarity of the questions to that intent's nearest example
 *
 * <p>Immutable and thread-safe.
 */
public record ReviewCluster(String id, Language language, List<String> itemIds, List<String> questions,
        List<String> representatives, Suggestion suggestion, @Nullable String nearestIntent, double nearestScore) {

    public ReviewCluster {
        itemIds = List.copyOf(itemIds);
        questions = List.copyOf(questions);
        representatives = List.copyOf(representatives);
    }

    public int size() {
        return itemIds.size();
    }

    /** What a cluster suggests. */
    public enum Suggestion {
        /** Add the questions as examples of {@link #nearestIntent()}. */
        ADD_TO_INTENT,
        /** The questions are about something the KB has no intent for. */
        NEW_INTENT
    }
}
