package dev.ivbot.rules;

import dev.ivbot.DialogEngine;
import dev.ivbot.Language;
import dev.ivbot.Source;
import dev.ivbot.kb.Intent;
import dev.ivbot.kb.IntentRules;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.rules.internal.BoundedText;
import dev.ivbot.rules.internal.FeatureExtractor;
import dev.ivbot.rules.internal.SoftmaxTrainer;
import dev.ivbot.spi.Classification;
import dev.ivbot.spi.ClassifierInput;
import dev.ivbot.spi.IntentClassifier;
import dev.ivbot.spi.ScoredIntent;
import dev.ivbot.internal.text.PhraseMatcher;
import dev.ivbot.internal.text.TextNormalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.Map;

/**
 * Classifies by rules that an HR team can read and edit, plus what the KB's example utterances
 * teach: every keyword, required word, excluded word and every character/word n-gram of the
 * examples is one phrase of a single Aho-Corasick automaton, so one pass over the text finds them
 * all and the cost does not grow with the number of rules. N-gram weights come from a multinomial
 * logistic regression over the examples (trained in well under a second when the KB loads);
 * keyword weights are added to the intent's score; a regular expression adds its weight when it
 * matches. Scores are the softmax probabilities over the intents plus a background class learnt
 * from general, non-HR questions shipped with this module ({@code background-*.txt}), so that an
 * out-of-scope question puts its mass there and scores low on every intent.
 *
 * <p>Rebuilt from each reloaded KB when the engine was given {@link #factory()}. Immutable and thread-safe; never
 * blocks, so the engine calls it on the request thread.
 */
public final class RuleClassifier implements IntentClassifier {

    /** How many intents a classification lists at most. */
    public static final int MAX_RANKED = 5;
    /** Weight of a keyword's declared weight in the logit. */
    static final double KEYWORD_SCALE = 1.0;
    /**
     * Patterns of an intent are tried only if they could bring its logit within this distance of
     * the best one (an intent further below gets under e^-4, about 2 %, of the best's probability).
     */
    static final double PATTERN_GATE = 4.0;
    /** Characters a pattern may read per character of the question before it counts as not matching. */
    static final int PATTERN_READ_BUDGET_PER_CHAR = 200;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RuleClassifier.class);
    private final java.util.Set<String> warnedPatterns = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** How many of the best intents have their patterns tried. */
    static final int PATTERN_CANDIDATES = 3;

    private static final int KIND_NGRAM = 0;
    private static final int KIND_KEYWORD = 1;
    private static final int KIND_REQUIRED = 2;
    private static final int KIND_EXCLUDED = 3;

    /**
     * The n-gram weights of the last few KBs by {@link KnowledgeBase#trainingFingerprint()}: they
     * depend only on the intents and examples, so an answer or rule edit rebuilds the classifier
     * in milliseconds instead of retraining. Read-only once trained, so instances share them.
     */
    private static final Map<String, float[]> TRAINED = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(8, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
                    return size() > 4;
                }
            });

    private final KnowledgeBase knowledgeBase;
    private final String[] intentIds;
    private final PhraseMatcher matcher;
    /** Per phrase: what kind, which n-gram feature (or -1), and per-intent keyword weights. */
    private final int[] phraseKind;
    private final int[] phraseFeature;
    private final int[] phraseIntent;
    private final double[] phraseWeight;
    private final float[] weights;
    private final int features;
    private final int classes;
    private final int intentCount;
    private final List<List<IntentRules.WeightedPattern>> patterns;
    private final boolean[] hasRequired;
    private final double[] patternWeightSum;
    private final ThreadLocal<Scratch> scratch;

    private RuleClassifier(KnowledgeBase kb) {
        this.knowledgeBase = kb;
        List<Intent> intents = new ArrayList<>(kb.intents().values());
        List<String> background = Background.examples();
        this.intentCount = intents.size();
        // one extra class learns general, non-HR questions, so that they score low on every intent
        this.classes = intentCount + 1;
        this.intentIds = intents.stream().map(Intent::id).toArray(String[]::new);

        // vocabulary of n-grams over all examples
        Map<String, Integer> vocabulary = new LinkedHashMap<>();
        for (Intent intent : intents) {
            for (Language language : Language.values()) {
                for (String example : intent.examples(language)) {
                    for (String gram : FeatureExtractor.ngrams(TextNormalizer.normalize(example))) {
                        vocabulary.putIfAbsent(gram, vocabulary.size());
                    }
                }
            }
        }
        for (String example : background) {
            for (String gram : FeatureExtractor.ngrams(TextNormalizer.normalize(example))) {
                vocabulary.putIfAbsent(gram, vocabulary.size());
            }
        }
        this.features = vocabulary.size();

        PhraseMatcher.Builder builder = PhraseMatcher.builder();
        List<int[]> meta = new ArrayList<>(); // kind, feature, intent
        List<Double> weightList = new ArrayList<>();
        for (Map.Entry<String, Integer> gram : vocabulary.entrySet()) {
            builder.add(gram.getKey());
            meta.add(new int[] {KIND_NGRAM, gram.getValue(), -1});
            weightList.add(0.0);
        }
        this.patterns = new ArrayList<>();
        this.hasRequired = new boolean[classes];
        this.patternWeightSum = new double[classes];
        for (int c = 0; c < intentCount; c++) {
            IntentRules rules = intents.get(c).rules();
            for (Map.Entry<String, Double> keyword : rules.keywords().entrySet()) {
                String phrase = TextNormalizer.normalize(keyword.getKey());
                if (!phrase.isEmpty()) {
                    builder.add(phrase);
                    meta.add(new int[] {KIND_KEYWORD, -1, c});
                    weightList.add(keyword.getValue());
                }
            }
            for (String word : rules.required()) {
                String phrase = TextNormalizer.normalize(word);
                if (!phrase.isEmpty()) {
                    builder.add(phrase);
                    meta.add(new int[] {KIND_REQUIRED, -1, c});
                    weightList.add(0.0);
                    hasRequired[c] = true;
                }
            }
            for (String word : rules.excluded()) {
                String phrase = TextNormalizer.normalize(word);
                if (!phrase.isEmpty()) {
                    builder.add(phrase);
                    meta.add(new int[] {KIND_EXCLUDED, -1, c});
                    weightList.add(0.0);
                }
            }
            patterns.add(rules.patterns());
            patternWeightSum[c] = rules.patterns().stream().mapToDouble(IntentRules.WeightedPattern::weight).sum();
        }
        this.matcher = builder.build();
        int phrases = meta.size();
        this.phraseKind = new int[phrases];
        this.phraseFeature = new int[phrases];
        this.phraseIntent = new int[phrases];
        this.phraseWeight = new double[phrases];
        for (int p = 0; p < phrases; p++) {
            phraseKind[p] = meta.get(p)[0];
            phraseFeature[p] = meta.get(p)[1];
            phraseIntent[p] = meta.get(p)[2];
            phraseWeight[p] = weightList.get(p);
        }
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(features, classes));

        // training data: the n-grams the matcher itself finds in each example, so training and
        // classification see exactly the same features
        List<int[]> xs = new ArrayList<>();
        List<Integer> ys = new ArrayList<>();
        for (int c = 0; c < intentCount; c++) {
            for (Language language : Language.values()) {
                for (String example : intents.get(c).examples(language)) {
                    xs.add(ngramFeatures(TextNormalizer.normalize(example)));
                    ys.add(c);
                }
            }
        }
        for (String example : background) {
            xs.add(ngramFeatures(TextNormalizer.normalize(example)));
            ys.add(intentCount);
        }
        int[] labels = ys.stream().mapToInt(Integer::intValue).toArray();
        this.weights = TRAINED.computeIfAbsent(kb.trainingFingerprint(), k -> xs.isEmpty()
                ? new float[(features + 1) * classes]
                : SoftmaxTrainer.train(xs.toArray(int[][]::new), labels, features, classes, 30, 1e-4, 0.3));
    }

    /** The trained n-gram weights (shared between classifiers of KBs with one training fingerprint). */
    float[] ngramWeights() {
        return weights;
    }

    /** A rule classifier for {@code knowledgeBase}. */
    public static RuleClassifier create(KnowledgeBase knowledgeBase) {
        return new RuleClassifier(knowledgeBase);
    }

    /** For {@link DialogEngine.Builder#primaryClassifier(DialogEngine.ClassifierSpec)}. */
    public static DialogEngine.ClassifierSpec factory() {
        return RuleClassifier::create;
    }

    @Override
    public String name() {
        return "rules";
    }

    @Override
    public Source source() {
        return Source.RULES;
    }

    @Override
    public boolean isNonBlocking() {
        return true;
    }

    @Override
    public String version() {
        return "kb-" + knowledgeBase.fingerprint();
    }

    /** Exactly the intents of the KB it was built from. */
    @Override
    public Optional<Set<String>> knownIntents() {
        return Optional.of(knowledgeBase.intents().keySet());
    }

    @Override
    public Classification classify(ClassifierInput input) {
        return classify(input.normalized());
    }

    /** Classifies an already {@link TextNormalizer#normalize normalised} text. */
    public Classification classify(String normalized) {
        Scratch s = scratch.get();
        s.reset();
        int biasBase = features * classes;
        double[] logits = s.logits;
        for (int c = 0; c < classes; c++) {
            logits[c] = weights[biasBase + c];
        }
        int stamp = s.stamp;
        matcher.forEachMatch(normalized, (id, start, end) -> {
            switch (phraseKind[id]) {
                case KIND_NGRAM: {
                    int f = phraseFeature[id];
                    if (s.seen[f] != stamp) {
                        s.seen[f] = stamp;
                        s.matched++;
                        int base = f * classes;
                        for (int c = 0; c < classes; c++) {
                            logits[c] += weights[base + c];
                        }
                    }
                    break;
                }
                case KIND_KEYWORD:
                    logits[phraseIntent[id]] += KEYWORD_SCALE * phraseWeight[id];
                    s.matched++;
                    break;
                case KIND_REQUIRED:
                    s.requiredMet[phraseIntent[id]] = true;
                    break;
                default:
                    s.excluded[phraseIntent[id]] = true;
            }
        });
        if (s.matched == 0) {
            return Classification.none(version());
        }
        // Regular expressions cannot join the one-pass automaton; run them only for the few intents
        // already near the top, where they can change the answer, which bounds their cost whatever
        // their number.
        int[] candidates = s.candidates;
        Arrays.fill(candidates, -1);
        for (int c = 0; c < intentCount; c++) {
            if (patternWeightSum[c] == 0) {
                continue;
            }
            for (int r = 0; r < candidates.length; r++) {
                if (candidates[r] < 0 || logits[c] > logits[candidates[r]]) {
                    System.arraycopy(candidates, r, candidates, r + 1, candidates.length - r - 1);
                    candidates[r] = c;
                    break;
                }
            }
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            max = Math.max(max, logits[c]);
        }
        for (int c : candidates) {
            if (c < 0 || logits[c] + patternWeightSum[c] < max - PATTERN_GATE) {
                continue;
            }
            for (IntentRules.WeightedPattern p : patterns.get(c)) {
                if (matches(p, normalized)) {
                    logits[c] += p.weight();
                }
            }
        }
        SoftmaxTrainer.softmaxInPlace(logits);
        for (int c = 0; c < intentCount; c++) {
            if (s.excluded[c] || hasRequired[c] && !s.requiredMet[c]) {
                logits[c] = 0;
            }
        }
        return new Classification(top(logits), version());
    }

    /**
     * A pattern written by HR could backtrack catastrophically on a crafted question; reading is
     * bounded so that such a pattern just fails to match (and is logged once) instead of stalling.
     */
    private boolean matches(IntentRules.WeightedPattern p, String normalized) {
        try {
            return p.pattern().matcher(BoundedText.of(normalized, PATTERN_READ_BUDGET_PER_CHAR
                    * Math.max(16, normalized.length()))).find();
        } catch (BoundedText.BudgetExceededException e) {
            if (warnedPatterns.add(p.pattern().pattern())) {
                LOG.warn("pattern '{}' backtracks too much and was skipped; rewrite it without nested repetition",
                        p.pattern().pattern());
            }
            return false;
        }
    }

    private List<ScoredIntent> top(double[] probabilities) {
        int k = Math.min(MAX_RANKED, intentCount);
        int[] best = new int[k];
        Arrays.fill(best, -1);
        for (int c = 0; c < intentCount; c++) {
            double p = probabilities[c];
            if (p <= 0) {
                continue;
            }
            for (int r = 0; r < k; r++) {
                if (best[r] < 0 || p > probabilities[best[r]]) {
                    System.arraycopy(best, r, best, r + 1, k - r - 1);
                    best[r] = c;
                    break;
                }
            }
        }
        List<ScoredIntent> ranked = new ArrayList<>(k);
        for (int r = 0; r < k && best[r] >= 0; r++) {
            ranked.add(new ScoredIntent(intentIds[best[r]], probabilities[best[r]]));
        }
        return ranked;
    }

    private int[] ngramFeatures(String normalized) {
        int[][] holder = {new int[8]};
        int[] count = {0};
        Map<Integer, Boolean> seen = new HashMap<>();
        matcher.forEachMatch(normalized, (id, start, end) -> {
            if (phraseKind[id] == KIND_NGRAM && seen.putIfAbsent(phraseFeature[id], Boolean.TRUE) == null) {
                if (count[0] == holder[0].length) {
                    holder[0] = Arrays.copyOf(holder[0], count[0] * 2);
                }
                holder[0][count[0]++] = phraseFeature[id];
            }
        });
        return Arrays.copyOf(holder[0], count[0]);
    }

    /** Per-thread buffers, so that a classification allocates only its result. */
    private static final class Scratch {
        final int[] seen;
        final double[] logits;
        final boolean[] excluded;
        final boolean[] requiredMet;
        final int[] candidates = new int[PATTERN_CANDIDATES];
        int stamp;
        int matched;

        Scratch(int features, int classes) {
            this.seen = new int[Math.max(1, features)];
            this.logits = new double[classes];
            this.excluded = new boolean[classes];
            this.requiredMet = new boolean[classes];
        }

        void reset() {
            if (++stamp == Integer.MAX_VALUE) {
                Arrays.fill(seen, 0);
                stamp = 1;
            }
            matched = 0;
            Arrays.fill(excluded, false);
            Arrays.fill(requiredMet, false);
        }
    }
}
