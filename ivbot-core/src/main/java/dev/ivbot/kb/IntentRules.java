package dev.ivbot.kb;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Hand-written rules for one intent, used by the rule classifier.
 *
 * @param keywords phrase to positive weight
 * @param patterns regular expressions over normalised text, each with a weight
 * @param required if not empty, one of these phrases must occur for the intent to be considered
 * @param excluded any of these phrases rules the intent out
 *
 * <p>Immutable and thread-safe.
 */
public record IntentRules(Map<String, Double> keywords, List<WeightedPattern> patterns, List<String> required,
        List<String> excluded) {

    public static final IntentRules NONE = new IntentRules(Map.of(), List.of(), List.of(), List.of());

    public IntentRules {
        keywords = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(keywords));
        patterns = List.copyOf(patterns);
        required = List.copyOf(required);
        excluded = List.copyOf(excluded);
    }

    /** A compiled pattern and its weight. */
    public record WeightedPattern(Pattern pattern, double weight) {}
}
