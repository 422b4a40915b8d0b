package dev.ivbot.internal;

import dev.ivbot.Language;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.kb.SlotDefinition;
import dev.ivbot.internal.text.PhraseMatcher;
import dev.ivbot.internal.text.TextNormalizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds slot values in normalised text from the KB's synonyms, and tells whether a turn is a bare
 * follow-up: nothing but slot values, fillers ("那", "呢", "what about") and punctuation.
 * Immutable and thread-safe.
 */
public final class SlotExtractor {

    /** What one text says about slots. */
    public record Extraction(Map<String, String> slots, boolean slotOnly) {
        static final Extraction NONE = new Extraction(Map.of(), false);
    }

    private final PhraseMatcher matcher;
    private final String[] phraseSlot;
    private final String[] phraseValue;
    private final boolean[] phraseIsFiller;

    public SlotExtractor(KnowledgeBase kb) {
        PhraseMatcher.Builder builder = PhraseMatcher.builder();
        List<String> slots = new ArrayList<>();
        List<String> values = new ArrayList<>();
        List<Boolean> filler = new ArrayList<>();
        for (SlotDefinition slot : kb.slots().values()) {
            for (Map.Entry<String, List<String>> value : slot.values().entrySet()) {
                for (String synonym : value.getValue()) {
                    String normalized = TextNormalizer.normalize(synonym);
                    if (!normalized.isEmpty()) {
                        builder.add(normalized);
                        slots.add(slot.name());
                        values.add(value.getKey());
                        filler.add(false);
                    }
                }
            }
        }
        for (Language language : Language.values()) {
            for (String word : kb.followupFillers(language)) {
                String normalized = TextNormalizer.normalize(word);
                if (!normalized.isEmpty()) {
                    builder.add(normalized);
                    slots.add("");
                    values.add("");
                    filler.add(true);
                }
            }
        }
        this.matcher = builder.build();
        this.phraseSlot = slots.toArray(String[]::new);
        this.phraseValue = values.toArray(String[]::new);
        this.phraseIsFiller = new boolean[filler.size()];
        for (int i = 0; i < filler.size(); i++) {
            phraseIsFiller[i] = filler.get(i);
        }
    }

    /** Slot values named in {@code normalized} (longest match wins where synonyms overlap). */
    public Extraction extract(String normalized) {
        int n = normalized.length();
        if (n == 0 || matcher.size() == 0) {
            return Extraction.NONE;
        }
        // best (longest) slot match starting at each position, plus coverage for the follow-up test
        int[] bestEnd = null;
        int[] bestId = null;
        boolean[] covered = new boolean[n];
        int[][] holder = new int[2][];
        matcher.forEachMatch(normalized, (id, start, end) -> {
            if (phraseIsFiller[id]) {
                for (int i = start; i < end; i++) {
                    covered[i] = true;
                }
                return;
            }
            if (holder[0] == null) {
                holder[0] = new int[n];
                holder[1] = new int[n];
                java.util.Arrays.fill(holder[1], -1);
            }
            if (end > holder[0][start]) {
                holder[0][start] = end;
                holder[1][start] = id;
            }
        });
        bestEnd = holder[0];
        bestId = holder[1];
        if (bestEnd == null) {
            return Extraction.NONE;
        }
        Map<String, String> found = new LinkedHashMap<>();
        int pos = 0;
        while (pos < n) {
            int id = bestId[pos];
            if (id >= 0) {
                found.putIfAbsent(phraseSlot[id], phraseValue[id]);
                for (int i = pos; i < bestEnd[pos]; i++) {
                    covered[i] = true;
                }
                pos = bestEnd[pos];
            } else {
                pos++;
            }
        }
        return new Extraction(Collections.unmodifiableMap(found), !found.isEmpty() && residueIsEmpty(normalized, covered));
    }

    /** No Chinese character and no Latin word of two or more letters is left uncovered. */
    private static boolean residueIsEmpty(String text, boolean[] covered) {
        int latinRun = 0;
        for (int i = 0; i <= text.length(); i++) {
            char c = i < text.length() ? text.charAt(i) : ' ';
            boolean free = i < text.length() && !covered[i];
            if (free && TextNormalizer.isWordChar(c)) {
                latinRun++;
                continue;
            }
            if (latinRun >= 2) {
                return false;
            }
            latinRun = 0;
            if (free && (TextNormalizer.isHan(c) || Character.isLetter(c))) {
                return false;
            }
        }
        return true;
    }
}
