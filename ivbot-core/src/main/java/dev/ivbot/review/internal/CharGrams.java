package dev.ivbot.review.internal;

import dev.ivbot.internal.text.TextNormalizer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Character 1-3-gram TF-IDF vectors (unit length, sparse) of a set of texts, fitted on those texts:
 * the lexical half of the review's similarity. The serving head also reads such features beside the
 * embedding; for short questions a shared keyword (体检, 三方协议, offer) is the strongest sign that
 * two are about one thing, and the encoder alone blurs it.
 *
 * <p>Immutable after construction; thread-safe.
 */
public final class CharGrams {
    private final Map<String, Float>[] vectors;

    @SuppressWarnings("unchecked")
    public CharGrams(List<String> texts) {
        int n = texts.size();
        Map<String, Integer>[] counts = new Map[n];
        Map<String, Integer> df = new HashMap<>();
        for (int i = 0; i < n; i++) {
            counts[i] = grams(" " + TextNormalizer.normalize(texts.get(i)) + " ");
            counts[i].keySet().forEach(g -> df.merge(g, 1, Integer::sum));
        }
        vectors = new Map[n];
        for (int i = 0; i < n; i++) {
            Map<String, Float> v = new HashMap<>();
            double norm = 0;
            for (Map.Entry<String, Integer> e : counts[i].entrySet()) {
                double w = (1 + Math.log(e.getValue())) * (Math.log((1.0 + n) / (1.0 + df.getOrDefault(e.getKey(), 0))) + 1);
                v.put(e.getKey(), (float) w);
                norm += w * w;
            }
            float scale = norm > 0 ? (float) (1 / Math.sqrt(norm)) : 0;
            v.replaceAll((g, w) -> w * scale);
            vectors[i] = v;
        }
    }

    private static Map<String, Integer> grams(String s) {
        Map<String, Integer> out = new HashMap<>();
        for (int len = 1; len <= 3; len++) {
            for (int i = 0; i + len <= s.length(); i++) {
                String g = s.substring(i, i + len);
                if (!g.isBlank()) {
                    out.merge(g, 1, Integer::sum);
                }
            }
        }
        return out;
    }

    /** Cosine similarity of texts {@code i} and {@code j}. */
    public float similarity(int i, int j) {
        Map<String, Float> a = vectors[i];
        Map<String, Float> b = vectors[j];
        if (a.size() > b.size()) {
            Map<String, Float> t = a;
            a = b;
            b = t;
        }
        float s = 0;
        for (Map.Entry<String, Float> e : a.entrySet()) {
            Float w = b.get(e.getKey());
            if (w != null) {
                s += e.getValue() * w;
            }
        }
        return s;
    }
}
