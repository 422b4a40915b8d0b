package dev.ivbot.kb.lint;

import dev.ivbot.Language;
import dev.ivbot.internal.SortedInts;
import dev.ivbot.internal.kb.KbOutline;
import dev.ivbot.internal.kb.KnowledgeBaseLoader;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.kb.KnowledgeBaseException;
import dev.ivbot.kb.lint.LintFinding.Severity;
import dev.ivbot.internal.text.PhraseMatcher;
import dev.ivbot.internal.text.TextNormalizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Checks a knowledge base for what makes a bot answer worse, each finding with its file and line
 * (the checks and their codes are in {@code docs/kb-format.md}):
 *
 * <ul>
 *   <li>{@code duplicate-example} (error): one question, after normalisation, under two intents;
 *       {@code near-duplicate-example} (warning): character n-gram Jaccard at or above
 *       {@link Builder#nearDuplicateJaccard}; {@code repeated-example} (warning): twice in one intent;
 *   <li>{@code confusable-intents} (warning): an intent pair that a cross-validated model mixes up
 *       (needs an {@link ExampleCrossValidator} and a KB that loads), with the examples that cause it;
 *   <li>{@code thin-intent} (warning): fewer than {@link Builder#minExamples} examples in a language;
 *   <li>{@code slot-value-without-answer} (warning): examples name a value of one of the intent's
 *       slots, and no answer variant has it in its {@code when};
 *   <li>{@code missing-translation} (error: a {@code zh} or {@code en} text missing; warning: a text
 *       that is in the other language);
 *   <li>{@code unreachable-answer} (error: a variant whose {@code when} can never hold, or that an
 *       earlier variant with the same conditions always wins over; warning: a value only a host
 *       attribute can set, because it has no synonym);
 *   <li>{@code invalid} (error): any other reason the loader refuses the KB.
 * </ul>
 *
 * <pre>{@code
 * LintReport report = KbLinter.builder().minExamples(5).build().lint(Path.of("examples/hr-demo-kb"));
 * report.findings().forEach(System.out::println);
 * }</pre>
 *
 * <p>Immutable and thread-safe if its {@link ExampleCrossValidator} is.
 */
public final class KbLinter {

    /**
     * Examples per language below which an intent is thin: the trainer's calibration holds out one
     * example per intent in each of its 5 folds, and below 5 an intent is missing from some folds.
     */
    public static final int DEFAULT_MIN_EXAMPLES = 5;
    /**
     * Character n-gram Jaccard from which two examples of different intents are near-duplicates.
     * Chosen on the demo KB and {@code eval/dev.jsonl} (docs/kb-format.md): no pair of the demo KB's
     * intents reaches it, while one-character edits of a question ("年假几天" / "年假有几天") do.
     */
    public static final double DEFAULT_NEAR_DUPLICATE_JACCARD = 0.7;
    /**
     * Share of an intent pair's examples that the cross-validated model assigns to the other intent
     * from which the pair is reported (with at least {@link #DEFAULT_CONFUSION_MIN_COUNT} examples).
     */
    public static final double DEFAULT_CONFUSION_RATE = 0.1;
    public static final int DEFAULT_CONFUSION_MIN_COUNT = 2;

    static final String DUPLICATE = "duplicate-example";
    static final String NEAR_DUPLICATE = "near-duplicate-example";
    static final String REPEATED = "repeated-example";
    static final String CONFUSABLE = "confusable-intents";
    static final String THIN = "thin-intent";
    static final String SLOT_VALUE = "slot-value-without-answer";
    static final String TRANSLATION = "missing-translation";
    static final String UNREACHABLE = "unreachable-answer";
    static final String INVALID = "invalid";

    private final int minExamples;
    private final double nearDuplicateJaccard;
    private final double confusionRate;
    private final int confusionMinCount;
    private final @Nullable ExampleCrossValidator crossValidator;

    private KbLinter(Builder b) {
        this.minExamples = b.minExamples;
        this.nearDuplicateJaccard = b.nearDuplicateJaccard;
        this.confusionRate = b.confusionRate;
        this.confusionMinCount = b.confusionMinCount;
        this.crossValidator = b.crossValidator;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Lints a KB folder or a single YAML file.
     *
     * @throws KnowledgeBaseException when the folder cannot be read at all (missing, no YAML, too
     *     many or too large files); a KB that reads but does not load is reported as findings
     */
    public LintReport lint(Path kb) {
        return lint(KnowledgeBaseLoader.readDocuments(Objects.requireNonNull(kb, "kb")));
    }

    /** Lints YAML documents held in memory (name to text, in load order). */
    public LintReport lint(Map<String, String> documents) {
        Objects.requireNonNull(documents, "documents");
        KbOutline outline = KbOutline.read(documents);
        Run run = new Run();
        for (KnowledgeBaseException.Problem p : outline.parseProblems()) {
            run.add(Severity.ERROR, INVALID, p.message(), new KbOutline.Place(p.file(), p.line()));
        }
        Map<String, KbOutline.Slot> slots = new LinkedHashMap<>();
        for (KbOutline.Slot s : outline.slots()) {
            slots.putIfAbsent(s.name(), s);
        }
        duplicates(outline, run);
        thinIntents(outline, run);
        slotValues(outline, slots, run);
        translations(outline, run);
        unreachable(outline, slots, run);
        KnowledgeBase kb = null;
        try {
            kb = KnowledgeBase.fromYaml(documents);
        } catch (KnowledgeBaseException e) {
            for (KnowledgeBaseException.Problem p : e.problems()) {
                // the lint checks above say it better where they found the same place
                if (!run.errorLines.contains(p.file() + ":" + p.line())) {
                    run.add(Severity.ERROR, INVALID, p.message(), new KbOutline.Place(p.file(), p.line()));
                }
            }
        }
        if (crossValidator == null) {
            run.skipped.add(CONFUSABLE + ": no model (run without --no-model to check)");
        } else if (kb == null) {
            run.skipped.add(CONFUSABLE + ": the KB does not load; fix the errors first");
        } else {
            confusable(kb, outline, crossValidator, run);
        }
        run.findings.sort(Comparator.comparing(LintFinding::file).thenComparingInt(LintFinding::line)
                .thenComparing(LintFinding::code));
        return new LintReport(run.findings, run.skipped);
    }

    private static final class Run {
        final List<LintFinding> findings = new ArrayList<>();
        final List<String> skipped = new ArrayList<>();
        final Set<String> errorLines = new HashSet<>();

        void add(Severity severity, String code, String message, KbOutline.Place at) {
            findings.add(new LintFinding(severity, code, message, at.file(), at.line()));
            if (severity == Severity.ERROR) {
                errorLines.add(at.file() + ":" + at.line());
            }
        }
    }

    // ------------------------------------------------------------ duplicates

    private record Example(String intent, Language language, KbOutline.Text text, String normalized, int[] grams) {}

    private void duplicates(KbOutline outline, Run run) {
        for (Language language : Language.values()) {
            List<Example> examples = new ArrayList<>();
            Map<String, Example> first = new HashMap<>();
            Set<String> seenIntents = new HashSet<>();
            for (KbOutline.Intent intent : outline.intents()) {
                if (!seenIntents.add(intent.id())) {
                    continue; // a second block of one id is the loader's error
                }
                for (KbOutline.Text t : intent.examples(language)) {
                    String key = comparable(t.text());
                    Example e = new Example(intent.id(), language, t, key, grams(key, language));
                    Example earlier = first.putIfAbsent(key, e);
                    if (earlier == null) {
                        examples.add(e);
                    } else if (earlier.intent.equals(intent.id())) {
                        run.add(Severity.WARNING, REPEATED, "'" + t.text() + "' is already an example of '"
                                + intent.id() + "' at " + earlier.text.at() + "; remove one", t.at());
                    } else {
                        run.add(Severity.ERROR, DUPLICATE, "'" + t.text() + "' is an example of '" + intent.id()
                                + "' and of '" + earlier.intent + "' (" + earlier.text.at()
                                + "); keep it under the intent whose answer it wants", t.at());
                    }
                }
            }
            nearDuplicates(examples, run);
        }
    }

    private void nearDuplicates(List<Example> examples, Run run) {
        for (int i = 0; i < examples.size(); i++) {
            Example a = examples.get(i);
            Example best = null;
            double bestJ = 0;
            for (int j = 0; j < i; j++) {
                Example b = examples.get(j);
                if (b.intent.equals(a.intent)) {
                    continue;
                }
                double jac = jaccard(a.grams, b.grams);
                if (jac >= nearDuplicateJaccard && jac > bestJ) {
                    best = b;
                    bestJ = jac;
                }
            }
            if (best != null) {
                run.add(Severity.WARNING, NEAR_DUPLICATE, String.format(Locale.ROOT,
                        "'%s' (%s) is nearly '%s' of '%s' at %s (similarity %.2f); make the two questions "
                                + "differ in what they ask, or move one", a.text.text(), a.intent, best.text.text(),
                        best.intent, best.text.at(), bestJ), a.text.at());
            }
        }
    }

    /** Normalised, without punctuation and spaces between Chinese characters, so "年假几天？" equals "年假几天". */
    static String comparable(String text) {
        String n = TextNormalizer.normalize(text);
        StringBuilder out = new StringBuilder(n.length());
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                out.append(c);
            } else if (out.length() > 0 && out.charAt(out.length() - 1) != ' ') {
                out.append(' ');
            }
        }
        String s = out.toString().strip();
        return s.isEmpty() ? n : s;
    }

    /** Character bigrams for Chinese, trigrams for English (with word edges), as sorted distinct hashes. */
    static int[] grams(String comparable, Language language) {
        int n = language == Language.ZH ? 2 : 3;
        String s = language == Language.ZH ? comparable.replace(" ", "") : " " + comparable + " ";
        if (s.length() < n) {
            return new int[] {s.hashCode()};
        }
        int[] out = new int[s.length() - n + 1];
        for (int i = 0; i < out.length; i++) {
            out[i] = s.substring(i, i + n).hashCode();
        }
        return SortedInts.distinctSorted(out);
    }

    static double jaccard(int[] a, int[] b) {
        int common = SortedInts.commonCount(a, b);
        return common / (double) (a.length + b.length - common);
    }

    // ------------------------------------------------------------ thin intents

    private void thinIntents(KbOutline outline, Run run) {
        for (KbOutline.Intent intent : outline.intents()) {
            for (Language language : Language.values()) {
                int n = intent.examples(language).size();
                if (n < minExamples) {
                    run.add(Severity.WARNING, THIN, "intent '" + intent.id() + "' has " + n + " "
                            + languageName(language) + " example" + (n == 1 ? "" : "s") + ", fewer than "
                            + minExamples + "; add varied questions (other wordings, not copies)", intent.at());
                }
            }
        }
    }

    // ------------------------------------------------------------ slot values without answers

    private static void slotValues(KbOutline outline, Map<String, KbOutline.Slot> slots, Run run) {
        PhraseMatcher.Builder builder = PhraseMatcher.builder();
        List<String[]> phrases = new ArrayList<>();
        for (KbOutline.Slot slot : slots.values()) {
            for (Map.Entry<String, List<KbOutline.Text>> value : slot.values().entrySet()) {
                for (KbOutline.Text synonym : value.getValue()) {
                    String n = TextNormalizer.normalize(synonym.text());
                    if (!n.isEmpty()) {
                        builder.add(n);
                        phrases.add(new String[] {slot.name(), value.getKey(), synonym.text()});
                    }
                }
            }
        }
        PhraseMatcher matcher = builder.build();
        if (matcher.size() == 0) {
            return;
        }
        for (KbOutline.Intent intent : outline.intents()) {
            Set<String> intentSlots = new HashSet<>();
            intent.slots().forEach(s -> intentSlots.add(s.text()));
            Set<String> answered = new HashSet<>();
            for (KbOutline.Answer a : intent.answers()) {
                a.when().forEach((slot, value) -> answered.add(slot + "=" + value.text()));
            }
            // slot=value -> the examples that name it, in file order
            Map<String, List<KbOutline.Text>> named = new LinkedHashMap<>();
            Map<String, String> surface = new HashMap<>();
            for (Language language : Language.values()) {
                for (KbOutline.Text example : intent.examples(language)) {
                    for (Map.Entry<Integer, Integer> m : longestMatches(matcher, TextNormalizer.normalize(example.text()))
                            .entrySet()) {
                        String[] p = phrases.get(m.getValue());
                        String key = p[0] + "=" + p[1];
                        if (intentSlots.contains(p[0]) && !answered.contains(key)) {
                            named.computeIfAbsent(key, k -> new ArrayList<>()).add(example);
                            surface.putIfAbsent(key, p[2]);
                        }
                    }
                }
            }
            for (Map.Entry<String, List<KbOutline.Text>> e : named.entrySet()) {
                List<KbOutline.Text> where = e.getValue();
                String[] sv = e.getKey().split("=", 2);
                run.add(Severity.WARNING, SLOT_VALUE, where.size() + " example" + (where.size() == 1 ? "" : "s")
                        + " of '" + intent.id() + "' name " + sv[0] + "=" + sv[1] + " ('" + surface.get(e.getKey())
                        + "' in '" + where.get(0).text() + "'), but no answer has 'when: {" + sv[0] + ": " + sv[1]
                        + "}', so they get the default answer; add that variant, or drop the value from the examples",
                        where.get(0).at());
            }
        }
    }

    /** Start position to phrase id of the longest match there, skipping matches inside an earlier one. */
    private static Map<Integer, Integer> longestMatches(PhraseMatcher matcher, String text) {
        int[] bestEnd = new int[text.length() + 1];
        int[] bestId = new int[text.length() + 1];
        Arrays.fill(bestId, -1);
        matcher.forEachMatch(text, (id, start, end) -> {
            if (end > bestEnd[start]) {
                bestEnd[start] = end;
                bestId[start] = id;
            }
        });
        Map<Integer, Integer> out = new TreeMap<>();
        int pos = 0;
        while (pos < text.length()) {
            if (bestId[pos] >= 0) {
                out.put(pos, bestId[pos]);
                pos = bestEnd[pos];
            } else {
                pos++;
            }
        }
        return out;
    }

    // ------------------------------------------------------------ translations

    private static void translations(KbOutline outline, Run run) {
        for (KbOutline.Message m : outline.messages()) {
            translation("message '" + m.key() + "'", m.text(), run);
        }
        for (KbOutline.Intent intent : outline.intents()) {
            if (intent.title() != null) {
                translation("the title of '" + intent.id() + "'", intent.title(), run);
            }
            for (KbOutline.Answer a : intent.answers()) {
                translation("an answer of '" + intent.id() + "'" + describe(a), a, run);
            }
        }
    }

    private static void translation(String what, KbOutline.Answer a, Run run) {
        for (Language language : Language.values()) {
            KbOutline.Text text = language == Language.ZH ? a.zh() : a.en();
            if (text == null) {
                run.add(Severity.ERROR, TRANSLATION, what + " has no " + languageName(language) + " text; add '"
                        + language.code() + ": ...'", a.at());
            } else if (!inLanguage(text.text(), language)) {
                run.add(Severity.WARNING, TRANSLATION, what + ": the '" + language.code() + "' text looks "
                        + (language == Language.ZH ? "English" : "Chinese") + " ('" + shorten(text.text())
                        + "'); translate it", text.at());
            }
        }
    }

    /** Chinese text has a Chinese character; English text has more Latin letters than Chinese characters. */
    static boolean inLanguage(String text, Language language) {
        int han = 0;
        int latin = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (TextNormalizer.isHan(c)) {
                han++;
            } else if (c < 0x80 && Character.isLetter(c)) {
                latin++;
            }
        }
        return language == Language.ZH ? han > 0 || latin == 0 : han <= latin;
    }

    // ------------------------------------------------------------ unreachable variants

    private static void unreachable(KbOutline outline, Map<String, KbOutline.Slot> slots, Run run) {
        for (KbOutline.Intent intent : outline.intents()) {
            Set<String> intentSlots = new HashSet<>();
            intent.slots().forEach(s -> intentSlots.add(s.text()));
            Map<Map<String, String>, KbOutline.Answer> seen = new HashMap<>();
            for (KbOutline.Answer a : intent.answers()) {
                Map<String, String> conditions = new TreeMap<>();
                a.when().forEach((slot, value) -> conditions.put(slot, value.text()));
                boolean reachable = true;
                for (Map.Entry<String, KbOutline.Text> c : a.when().entrySet()) {
                    KbOutline.Slot slot = slots.get(c.getKey());
                    String value = c.getValue().text();
                    String why = null;
                    if (slot == null) {
                        why = "there is no slot '" + c.getKey() + "' (slots: " + slots.keySet() + ")";
                    } else if (!slot.values().containsKey(value)) {
                        why = "slot '" + c.getKey() + "' cannot take '" + value + "' (values: "
                                + slot.values().keySet() + ")";
                    } else if (!intentSlots.contains(c.getKey())) {
                        why = "intent '" + intent.id() + "' does not list '" + c.getKey() + "' in its slots "
                                + intentSlots;
                    } else if (slot.values().get(value).isEmpty()) {
                        run.add(Severity.WARNING, UNREACHABLE, "the answer" + describe(a) + " of '" + intent.id()
                                + "' is chosen only when the host passes " + c.getKey() + "=" + value
                                + " as an attribute: the value has no synonym a user could say; add synonyms at "
                                + slot.valueAt().get(value), a.at());
                    }
                    if (why != null) {
                        reachable = false;
                        run.add(Severity.ERROR, UNREACHABLE, "the answer" + describe(a) + " of '" + intent.id()
                                + "' can never be chosen: " + why, c.getValue().at());
                    }
                }
                KbOutline.Answer earlier = seen.putIfAbsent(conditions, a);
                if (reachable && earlier != null) {
                    run.add(Severity.ERROR, UNREACHABLE, "the answer" + describe(a) + " of '" + intent.id()
                            + "' can never be chosen: the answer at " + earlier.at()
                            + " has the same conditions and comes first; merge the two", a.at());
                }
            }
        }
    }

    private static String describe(KbOutline.Answer a) {
        if (a.when().isEmpty()) {
            return " without 'when'";
        }
        StringBuilder sb = new StringBuilder(" 'when: {");
        a.when().forEach((s, v) -> sb.append(sb.length() > 9 ? ", " : "").append(s).append(": ").append(v.text()));
        return sb.append("}'").toString();
    }

    // ------------------------------------------------------------ confusable intents

    private void confusable(KnowledgeBase kb, KbOutline outline, ExampleCrossValidator model, Run run) {
        Map<String, KbOutline.Intent> byId = new HashMap<>();
        for (KbOutline.Intent i : outline.intents()) {
            byId.putIfAbsent(i.id(), i);
        }
        for (Language language : Language.values()) {
            List<String> truth = new ArrayList<>();
            List<KbOutline.Text> texts = new ArrayList<>();
            Map<String, Integer> counts = new HashMap<>();
            for (dev.ivbot.kb.Intent intent : kb.intents().values()) {
                KbOutline.Intent outlined = byId.get(intent.id());
                if (outlined == null) {
                    continue; // the KB was loaded from this outline, so every intent is in it
                }
                List<KbOutline.Text> located = outlined.examples(language);
                for (int k = 0; k < intent.examples(language).size(); k++) {
                    truth.add(intent.id());
                    texts.add(k < located.size() ? located.get(k)
                            : new KbOutline.Text(intent.examples(language).get(k), outlined.at()));
                }
                counts.put(intent.id(), intent.examples(language).size());
            }
            if (truth.isEmpty() || kb.intents().size() < 2) {
                continue;
            }
            List<@Nullable String> predicted = model.outOfFold(kb, language);
            if (predicted.size() != truth.size()) {
                throw new IllegalStateException("the cross-validator returned " + predicted.size()
                        + " predictions for " + truth.size() + " " + language.code() + " examples");
            }
            // unordered pair -> the examples that went to the other intent
            Map<String, List<Integer>> pairs = new TreeMap<>();
            for (int i = 0; i < truth.size(); i++) {
                String p = predicted.get(i);
                if (p != null && !p.equals(truth.get(i)) && counts.containsKey(p)) {
                    String a = truth.get(i);
                    String key = a.compareTo(p) < 0 ? a + " " + p : p + " " + a;
                    pairs.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
                }
            }
            for (Map.Entry<String, List<Integer>> e : pairs.entrySet()) {
                String[] ab = e.getKey().split(" ");
                int n = counts.getOrDefault(ab[0], 0) + counts.getOrDefault(ab[1], 0);
                List<Integer> wrong = e.getValue();
                double rate = wrong.size() / (double) n;
                if (wrong.size() < confusionMinCount || rate < confusionRate) {
                    continue;
                }
                StringBuilder causes = new StringBuilder();
                for (int k = 0; k < Math.min(3, wrong.size()); k++) {
                    int i = wrong.get(k);
                    causes.append(k == 0 ? "" : "; ").append('\'').append(texts.get(i).text()).append("' (")
                            .append(truth.get(i)).append(", ").append(texts.get(i).at()).append(") reads as ")
                            .append(predicted.get(i));
                }
                run.add(Severity.WARNING, CONFUSABLE, String.format(Locale.ROOT,
                        "'%s' and '%s' are confusable in %s: %d of their %d examples (%.0f %%) are classified as "
                                + "the other by a model trained without them: %s%s; reword those examples, or merge "
                                + "the two intents", ab[0], ab[1], languageName(language), wrong.size(), n,
                        100 * rate, causes, wrong.size() > 3 ? "; ..." : ""), texts.get(wrong.get(0)).at());
            }
        }
    }

    // ------------------------------------------------------------ helpers

    private static String languageName(Language language) {
        return language == Language.ZH ? "Chinese" : "English";
    }

    private static String shorten(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }

    /**
     * Options for a {@link KbLinter}; each setter checks its argument and names it. Not
     * thread-safe; {@link #build()} leaves it reusable.
     */
    public static final class Builder {
        private int minExamples = DEFAULT_MIN_EXAMPLES;
        private double nearDuplicateJaccard = DEFAULT_NEAR_DUPLICATE_JACCARD;
        private double confusionRate = DEFAULT_CONFUSION_RATE;
        private int confusionMinCount = DEFAULT_CONFUSION_MIN_COUNT;
        private @Nullable ExampleCrossValidator crossValidator;

        private Builder() {}

        /** Examples per language below which an intent is reported as thin; default {@value #DEFAULT_MIN_EXAMPLES}. */
        public Builder minExamples(int minExamples) {
            if (minExamples < 0) {
                throw new IllegalArgumentException("minExamples must not be negative, was " + minExamples);
            }
            this.minExamples = minExamples;
            return this;
        }

        /** Jaccard (0..1] from which examples of two intents are near-duplicates; default {@value #DEFAULT_NEAR_DUPLICATE_JACCARD}. */
        public Builder nearDuplicateJaccard(double threshold) {
            if (!(threshold > 0 && threshold <= 1)) {
                throw new IllegalArgumentException("nearDuplicateJaccard must be in (0, 1], was " + threshold);
            }
            this.nearDuplicateJaccard = threshold;
            return this;
        }

        /**
         * When a pair is confusable: at least {@code minCount} of its examples and at least
         * {@code rate} of them classified as the other intent; defaults
         * {@value #DEFAULT_CONFUSION_RATE} and {@value #DEFAULT_CONFUSION_MIN_COUNT}.
         */
        public Builder confusion(double rate, int minCount) {
            if (!(rate > 0 && rate <= 1)) {
                throw new IllegalArgumentException("rate must be in (0, 1], was " + rate);
            }
            if (minCount < 1) {
                throw new IllegalArgumentException("minCount must be at least 1, was " + minCount);
            }
            this.confusionRate = rate;
            this.confusionMinCount = minCount;
            return this;
        }

        /** The model for the confusable-intents check; without one (the default) the check is skipped. */
        public Builder crossValidator(@Nullable ExampleCrossValidator crossValidator) {
            this.crossValidator = crossValidator;
            return this;
        }

        public KbLinter build() {
            return new KbLinter(this);
        }
    }
}
