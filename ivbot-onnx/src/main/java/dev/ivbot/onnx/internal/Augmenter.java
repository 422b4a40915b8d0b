package dev.ivbot.onnx.internal;

import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.kb.SlotDefinition;
import dev.ivbot.internal.text.TextNormalizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Makes more training utterances from the KB's own: a slot synonym in an example is replaced by a
 * synonym of another value of the same slot, in the same script ("年假有几天" gives "病假有几天").
 * The head then learns the question's shape rather than one slot value, which is what a user with
 * another value asks.
 *
 * <p>Immutable and thread-safe.
 */
public final class Augmenter {

    private record Synonym(String slot, String value, String text, boolean han) {}

    private final List<Synonym> synonyms;
    /** Per label (the KB's intents in order): the slots its answer depends on. */
    private final List<Set<String>> slotsByLabel = new ArrayList<>();

    public Augmenter(KnowledgeBase kb) {
        kb.intents().values().forEach(intent -> slotsByLabel.add(Set.copyOf(intent.slots())));
        List<Synonym> all = new ArrayList<>();
        for (SlotDefinition slot : kb.slots().values()) {
            for (Map.Entry<String, List<String>> value : slot.values().entrySet()) {
                for (String s : value.getValue()) {
                    String n = TextNormalizer.normalize(s);
                    if (n.length() >= 2) {
                        all.add(new Synonym(slot.name(), value.getKey(), n, hasHan(n)));
                    }
                }
            }
        }
        all.sort(Comparator.comparingInt((Synonym s) -> -s.text.length()));
        this.synonyms = all;
    }

    /**
     * Up to {@code perExample} variants of a normalised example of intent number {@code label} (the
     * example itself excluded). Only a slot that the intent's answer depends on is varied: for
     * another intent the value is part of the question ("实习生工资多少" asks about internships, and
     * "应届生工资多少" is a salary question, not an internship one).
     */
    public List<String> variants(String normalized, int label, int perExample, Random random) {
        Set<String> out = new LinkedHashSet<>();
        Set<String> variable = label >= 0 && label < slotsByLabel.size() ? slotsByLabel.get(label) : Set.of();
        for (Synonym found : synonyms) {
            int at = normalized.indexOf(found.text);
            if (at < 0 || !atWordBoundary(normalized, at, found.text.length(), found.han)) {
                continue;
            }
            if (!variable.contains(found.slot)) {
                break; // the most specific mention is not a variable slot of this intent: keep the example as is
            }
            List<Synonym> others = new ArrayList<>();
            for (Synonym s : synonyms) {
                if (s.slot.equals(found.slot) && !s.value.equals(found.value) && s.han == found.han) {
                    others.add(s);
                }
            }
            for (int tries = 0; tries < perExample * 3 && out.size() < perExample && !others.isEmpty(); tries++) {
                Synonym other = others.get(random.nextInt(others.size()));
                out.add(normalized.substring(0, at) + other.text + normalized.substring(at + found.text.length()));
            }
            break; // one slot mention per example: the longest, which is the most specific
        }
        out.remove(normalized);
        return new ArrayList<>(out);
    }

    private static boolean atWordBoundary(String s, int at, int len, boolean han) {
        if (han) {
            return true;
        }
        boolean before = at == 0 || !Character.isLetterOrDigit(s.charAt(at - 1));
        boolean after = at + len == s.length() || !Character.isLetterOrDigit(s.charAt(at + len));
        return before && after;
    }

    private static boolean hasHan(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (TextNormalizer.isHan(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
