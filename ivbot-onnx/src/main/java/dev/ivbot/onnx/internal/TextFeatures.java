package dev.ivbot.onnx.internal;

import dev.ivbot.internal.text.TextNormalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lexical features beside the embedding: character 1-3-grams (what carries Chinese), word uni- and
 * bigrams and in-word character 3-grams (what carries English), weighted by TF-IDF over the
 * training texts and L2-normalised. The vocabulary is what the training texts contain; unseen
 * n-grams are ignored.
 *
 * <p>Immutable after construction and thread-safe.
 */
public final class TextFeatures {

    /** A sparse, L2-normalised vector. */
    public record Sparse(int[] index, float[] value) {
        public static final Sparse EMPTY = new Sparse(new int[0], new float[0]);
    }

    private final Map<String, Integer> vocabulary;
    private final float[] idf;

    public TextFeatures(Map<String, Integer> vocabulary, float[] idf) {
        this.vocabulary = vocabulary;
        this.idf = idf;
    }

    /** Builds the vocabulary and IDF weights from training texts (already normalised). */
    public static TextFeatures fit(List<String> normalizedTexts) {
        Map<String, Integer> df = new HashMap<>();
        for (String text : normalizedTexts) {
            for (String gram : grams(text).keySet()) {
                df.merge(gram, 1, Integer::sum);
            }
        }
        List<String> terms = new ArrayList<>(df.keySet());
        terms.sort(null);
        Map<String, Integer> vocab = new LinkedHashMap<>();
        float[] idf = new float[terms.size()];
        int n = normalizedTexts.size();
        for (String term : terms) {
            int i = vocab.size();
            vocab.put(term, i);
            idf[i] = (float) (Math.log((n + 1.0) / (df.getOrDefault(term, 0) + 1.0)) + 1.0);
        }
        return new TextFeatures(vocab, idf);
    }

    public int size() {
        return idf.length;
    }

    public Map<String, Integer> vocabulary() {
        return vocabulary;
    }

    public float[] idf() {
        return idf;
    }

    /** The feature vector of one normalised text. */
    public Sparse vector(String normalizedText) {
        Map<String, Integer> counts = grams(normalizedText);
        int[] index = new int[counts.size()];
        float[] value = new float[counts.size()];
        int n = 0;
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            Integer i = vocabulary.get(e.getKey());
            if (i != null) {
                index[n] = i;
                value[n] = (float) (1 + Math.log(e.getValue())) * idf[i];
                n++;
            }
        }
        double norm = 0;
        for (int k = 0; k < n; k++) {
            norm += value[k] * value[k];
        }
        if (norm > 0) {
            float inv = (float) (1 / Math.sqrt(norm));
            for (int k = 0; k < n; k++) {
                value[k] *= inv;
            }
        }
        return new Sparse(Arrays.copyOf(index, n), Arrays.copyOf(value, n));
    }

    static Map<String, Integer> grams(String normalized) {
        Map<String, Integer> out = new HashMap<>();
        // characters that carry meaning: Han, letters, digits; everything else is a boundary
        StringBuilder han = new StringBuilder();
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < normalized.length(); i++) {
            char c = normalized.charAt(i);
            if (TextNormalizer.isHan(c)) {
                flushWord(word, words);
                han.append(c);
            } else if (Character.isLetterOrDigit(c) || c == '\'') {
                flushHan(han, out);
                word.append(c);
            } else {
                flushWord(word, words);
                flushHan(han, out);
            }
        }
        flushWord(word, words);
        flushHan(han, out);
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            out.merge("w:" + w, 1, Integer::sum);
            if (i > 0) {
                out.merge("b:" + words.get(i - 1) + ' ' + w, 1, Integer::sum);
            }
            String padded = ' ' + w + ' ';
            for (int j = 0; j + 3 <= padded.length(); j++) {
                out.merge("c:" + padded.substring(j, j + 3), 1, Integer::sum);
            }
        }
        return out;
    }

    private static void flushWord(StringBuilder word, List<String> words) {
        if (word.length() > 0) {
            words.add(word.toString());
            word.setLength(0);
        }
    }

    private static void flushHan(StringBuilder han, Map<String, Integer> out) {
        if (han.length() == 0) {
            return;
        }
        String s = han.toString();
        for (int n = 1; n <= 3; n++) {
            for (int j = 0; j + n <= s.length(); j++) {
                out.merge("h:" + s.substring(j, j + n), 1, Integer::sum);
            }
        }
        han.setLength(0);
    }
}
