package dev.ivbot.internal.text;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finds every occurrence of many phrases in one pass over a text (Aho-Corasick), so matching cost
 * depends on the text's length, not on how many phrases there are. A phrase that starts or ends
 * with a Latin letter or digit matches only at a word boundary on that side ("pto" does not match
 * inside "laptop"); Chinese phrases match anywhere.
 *
 * <p>Phrases and texts should both be {@link TextNormalizer#normalize normalised}. Immutable and
 * thread-safe once built.
 */
public final class PhraseMatcher {

    /** Receives each match: the phrase's id and its [start, end) span in the text. */
    @FunctionalInterface
    public interface MatchConsumer {
        void accept(int phraseId, int start, int end);
    }

    private static final int[] NO_OUTPUT = new int[0];

    // transitions: open addressing from (state << 16 | char) to next state
    private final long[] keys;
    private final int[] values;
    private final int mask;
    private final int[] fail;
    private final int[][] outputs;
    private final int[] phraseLength;
    private final boolean[] boundaryStart;
    private final boolean[] boundaryEnd;
    private final int phraseCount;

    private PhraseMatcher(long[] keys, int[] values, int[] fail, int[][] outputs, int[] phraseLength,
            boolean[] boundaryStart, boolean[] boundaryEnd) {
        this.keys = keys;
        this.values = values;
        this.mask = keys.length - 1;
        this.fail = fail;
        this.outputs = outputs;
        this.phraseLength = phraseLength;
        this.boundaryStart = boundaryStart;
        this.boundaryEnd = boundaryEnd;
        this.phraseCount = phraseLength.length;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A matcher of {@code phrases}, their ids in the order given. */
    public static PhraseMatcher of(String... phrases) {
        Builder builder = builder();
        for (String phrase : phrases) {
            builder.add(phrase);
        }
        return builder.build();
    }

    /** How many phrases the matcher holds. */
    public int size() {
        return phraseCount;
    }

    /** Reports every match, in order of end position. */
    public void forEachMatch(CharSequence text, MatchConsumer consumer) {
        int state = 0;
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            int next;
            while ((next = next(state, c)) < 0 && state != 0) {
                state = fail[state];
            }
            state = next < 0 ? 0 : next;
            int[] out = outputs[state];
            for (int id : out) {
                int start = i + 1 - phraseLength[id];
                if (boundaryStart[id] && start > 0 && TextNormalizer.isWordChar(text.charAt(start - 1))) {
                    continue;
                }
                if (boundaryEnd[id] && i + 1 < length && TextNormalizer.isWordChar(text.charAt(i + 1))) {
                    continue;
                }
                consumer.accept(id, start, i + 1);
            }
        }
    }

    private int next(int state, char c) {
        long key = ((long) state << 16) | c;
        int slot = mix(key) & mask;
        while (true) {
            long k = keys[slot];
            if (k == key) {
                return values[slot];
            }
            if (k == -1) {
                return -1;
            }
            slot = (slot + 1) & mask;
        }
    }

    private static int mix(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29));
    }

    /** Collects phrases; ids are assigned in insertion order from 0. Not thread-safe. */
    public static final class Builder {
        private final List<String> phrases = new ArrayList<>();

        /** Adds a phrase and returns its id. Empty phrases are rejected. */
        public int add(String phrase) {
            if (phrase.isEmpty()) {
                throw new IllegalArgumentException("empty phrase");
            }
            phrases.add(phrase);
            return phrases.size() - 1;
        }

        public PhraseMatcher build() {
            // trie with child lists, then fail links by breadth-first search
            List<int[]> childChars = new ArrayList<>();
            List<int[]> childStates = new ArrayList<>();
            List<int[]> terminal = new ArrayList<>();
            childChars.add(new int[0]);
            childStates.add(new int[0]);
            terminal.add(NO_OUTPUT);
            int n = phrases.size();
            int[] length = new int[n];
            boolean[] bStart = new boolean[n];
            boolean[] bEnd = new boolean[n];
            for (int id = 0; id < n; id++) {
                String p = phrases.get(id);
                length[id] = p.length();
                bStart[id] = TextNormalizer.isWordChar(p.charAt(0));
                bEnd[id] = TextNormalizer.isWordChar(p.charAt(p.length() - 1));
                int state = 0;
                for (int i = 0; i < p.length(); i++) {
                    char c = p.charAt(i);
                    int[] chars = childChars.get(state);
                    int found = -1;
                    for (int j = 0; j < chars.length; j++) {
                        if (chars[j] == c) {
                            found = childStates.get(state)[j];
                            break;
                        }
                    }
                    if (found < 0) {
                        found = childChars.size();
                        childChars.add(new int[0]);
                        childStates.add(new int[0]);
                        terminal.add(NO_OUTPUT);
                        childChars.set(state, append(chars, c));
                        childStates.set(state, append(childStates.get(state), found));
                    }
                    state = found;
                }
                terminal.set(state, append(terminal.get(state), id));
            }
            int states = childChars.size();
            int transitions = states - 1;
            int capacity = Integer.highestOneBit(Math.max(4, transitions * 2)) * 2;
            long[] keys = new long[capacity];
            int[] values = new int[capacity];
            Arrays.fill(keys, -1L);
            for (int s = 0; s < states; s++) {
                int[] chars = childChars.get(s);
                int[] targets = childStates.get(s);
                for (int j = 0; j < chars.length; j++) {
                    long key = ((long) s << 16) | chars[j];
                    int slot = mix(key) & (capacity - 1);
                    while (keys[slot] != -1L) {
                        slot = (slot + 1) & (capacity - 1);
                    }
                    keys[slot] = key;
                    values[slot] = targets[j];
                }
            }
            PhraseMatcher partial = new PhraseMatcher(keys, values, new int[states], new int[states][], length,
                    bStart, bEnd);
            int[] fail = partial.fail;
            int[][] outputs = partial.outputs;
            outputs[0] = terminal.get(0);
            ArrayDeque<Integer> queue = new ArrayDeque<>();
            for (int child : childStates.get(0)) {
                fail[child] = 0;
                outputs[child] = terminal.get(child);
                queue.add(child);
            }
            while (!queue.isEmpty()) {
                int s = queue.poll();
                int[] chars = childChars.get(s);
                int[] targets = childStates.get(s);
                for (int j = 0; j < chars.length; j++) {
                    char c = (char) chars[j];
                    int child = targets[j];
                    int f = fail[s];
                    int next;
                    while ((next = partial.next(f, c)) < 0 && f != 0) {
                        f = fail[f];
                    }
                    fail[child] = next < 0 || next == child ? 0 : next;
                    int[] own = terminal.get(child);
                    int[] inherited = outputs[fail[child]];
                    outputs[child] = inherited.length == 0 ? own : concat(own, inherited);
                    queue.add(child);
                }
            }
            return partial;
        }

        private static int[] append(int[] array, int value) {
            int[] out = Arrays.copyOf(array, array.length + 1);
            out[array.length] = value;
            return out;
        }

        private static int[] concat(int[] a, int[] b) {
            int[] out = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, out, a.length, b.length);
            return out;
        }
    }
}
