package dev.ivbot.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The few-shot protocol's draw: K of a list's indices at random, kept in their original order.
 * Each list draws from its own generator, seeded by the seed and the list's key (an intent id and
 * language, or a dataset label), so a draw depends on neither file nor label order.
 *
 * <p>Stateless and thread-safe.
 */
final class FewShotDraw {

    private FewShotDraw() {}

    /** Indices of {@code shots} of {@code size} elements, ascending; all of them if size ≤ shots. */
    static List<Integer> indices(int size, int shots, long seed, String key) {
        List<Integer> order = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            order.add(i);
        }
        if (size <= shots) {
            return order;
        }
        Collections.shuffle(order, new Random(seed * 1_000_003L + key.hashCode()));
        List<Integer> kept = new ArrayList<>(order.subList(0, shots));
        Collections.sort(kept);
        return kept;
    }

    static <T> List<T> draw(List<T> items, int shots, long seed, String key) {
        List<T> out = new ArrayList<>(Math.min(items.size(), shots));
        for (int i : indices(items.size(), shots, seed, key)) {
            out.add(items.get(i));
        }
        return out;
    }
}
