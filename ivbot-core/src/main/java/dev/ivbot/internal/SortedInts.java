package dev.ivbot.internal;

import java.util.Arrays;

/**
 * Sets of ints kept as sorted arrays without repeats: the n-gram sets that the KB linter and the
 * review recorder compare, without a boxed set per text.
 *
 * <p>Stateless and thread-safe.
 */
public final class SortedInts {
    private SortedInts() {}

    /** {@code values} sorted without repeats; sorts {@code values} in place. */
    public static int[] distinctSorted(int[] values) {
        if (values.length == 0) {
            return values;
        }
        Arrays.sort(values);
        int distinct = 1;
        for (int i = 1; i < values.length; i++) {
            if (values[i] != values[distinct - 1]) {
                values[distinct++] = values[i];
            }
        }
        return distinct == values.length ? values : Arrays.copyOf(values, distinct);
    }

    /** How many values two sorted, repeat-free arrays share. */
    public static int commonCount(int[] a, int[] b) {
        int common = 0;
        for (int i = 0, j = 0; i < a.length && j < b.length; ) {
            if (a[i] == b[j]) {
                common++;
                i++;
                j++;
            } else if (a[i] < b[j]) {
                i++;
            } else {
                j++;
            }
        }
        return common;
    }
}
