package dev.ivbot.internal.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PhraseMatcherTest {

    private static List<String> matches(PhraseMatcher matcher, List<String> phrases, String text) {
        List<String> out = new ArrayList<>();
        matcher.forEachMatch(text, (id, start, end) -> out.add(phrases.get(id) + "@" + start));
        return out;
    }

    @Test
    void findsOverlappingAndNestedPhrasesInOnePass() {
        List<String> phrases = List.of("年假", "带薪年假", "假", "he", "she", "hers");
        PhraseMatcher.Builder b = PhraseMatcher.builder();
        phrases.forEach(b::add);
        PhraseMatcher m = b.build();
        assertThat(matches(m, phrases, "带薪年假有几天")).containsExactlyInAnyOrder("带薪年假@0", "年假@2", "假@3");
        assertThat(matches(m, phrases, "she hers")).containsExactlyInAnyOrder("she@0", "hers@4");
    }

    @Test
    void latinPhrasesMatchOnlyAtWordBoundaries() {
        List<String> phrases = List.of("pto", "intern", "实习");
        PhraseMatcher.Builder b = PhraseMatcher.builder();
        phrases.forEach(b::add);
        PhraseMatcher m = b.build();
        assertThat(matches(m, phrases, "my laptop")).isEmpty();
        assertThat(matches(m, phrases, "international")).isEmpty();
        assertThat(matches(m, phrases, "pto?")).containsExactly("pto@0");
        assertThat(matches(m, phrases, "intern实习")).containsExactly("intern@0", "实习@6");
    }

    @Test
    void agreesWithANaiveSearchOnRandomInput() {
        Random random = new Random(7);
        // Chinese only, so that word boundaries (which apply to Latin phrases) do not matter here
        String alphabet = "年假有天 ";
        List<String> phrases = new ArrayList<>();
        PhraseMatcher.Builder b = PhraseMatcher.builder();
        for (int i = 0; i < 60; i++) {
            StringBuilder p = new StringBuilder();
            for (int j = 0, n = 1 + random.nextInt(4); j < n; j++) {
                p.append("年假有".charAt(random.nextInt(3)));
            }
            phrases.add(p.toString());
            b.add(p.toString());
        }
        PhraseMatcher m = b.build();
        for (int t = 0; t < 200; t++) {
            StringBuilder text = new StringBuilder();
            for (int j = 0; j < 30; j++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            List<String> expected = new ArrayList<>();
            for (int id = 0; id < phrases.size(); id++) {
                String p = phrases.get(id);
                for (int at = text.indexOf(p); at >= 0; at = text.indexOf(p, at + 1)) {
                    expected.add(p + "@" + at);
                }
            }
            assertThat(matches(m, phrases, text.toString())).containsExactlyInAnyOrderElementsOf(expected);
        }
    }
}
