package dev.ivbot.rules.internal;

import dev.ivbot.internal.text.TextNormalizer;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The n-grams the rule classifier learns from examples: Chinese character 1- to 3-grams within a
 * run of Han characters, Latin words and word pairs. Only used to build the vocabulary; at
 * classification time the same phrases are found by one Aho-Corasick pass.
 */
public final class FeatureExtractor {
    private FeatureExtractor() {}

    public static Set<String> ngrams(String normalized) {
        Set<String> out = new LinkedHashSet<>();
        int n = normalized.length();
        int i = 0;
        String previousWord = null;
        while (i < n) {
            char c = normalized.charAt(i);
            if (TextNormalizer.isHan(c)) {
                int j = i;
                while (j < n && TextNormalizer.isHan(normalized.charAt(j))) {
                    j++;
                }
                for (int a = i; a < j; a++) {
                    for (int len = 1; len <= 3 && a + len <= j; len++) {
                        out.add(normalized.substring(a, a + len));
                    }
                }
                previousWord = null;
                i = j;
            } else if (TextNormalizer.isWordChar(c)) {
                int j = i;
                while (j < n && TextNormalizer.isWordChar(normalized.charAt(j))) {
                    j++;
                }
                String word = normalized.substring(i, j);
                out.add(word);
                if (previousWord != null) {
                    out.add(previousWord + " " + word);
                }
                previousWord = word;
                i = j;
            } else {
                if (c != ' ' && c != '\'') {
                    previousWord = null;
                }
                i++;
            }
        }
        return out;
    }
}
