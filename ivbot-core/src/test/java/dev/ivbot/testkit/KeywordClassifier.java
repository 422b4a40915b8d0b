package dev.ivbot.testkit;

import dev.ivbot.Source;
import dev.ivbot.spi.Classification;
import dev.ivbot.spi.ClassifierInput;
import dev.ivbot.spi.IntentClassifier;
import dev.ivbot.spi.ScoredIntent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trivial, non-blocking test classifier: the first keyword found in the normalised text names
 * the intent, with score 0.9; no keyword, nothing recognised. Not the rule classifier (that one
 * lives in ivbot-rules); this one exists so that tests of other modules need no rules.
 *
 * <p>Immutable and thread-safe.
 */
public final class KeywordClassifier implements IntentClassifier {

    private final Map<String, String> keywordToIntent;

    private KeywordClassifier(Map<String, String> keywordToIntent) {
        this.keywordToIntent = new LinkedHashMap<>(keywordToIntent);
    }

    /** Keyword (lower case) to intent id, checked in iteration order. */
    public static KeywordClassifier of(Map<String, String> keywordToIntent) {
        return new KeywordClassifier(keywordToIntent);
    }

    /** Keywords for {@link TestKnowledgeBases#tiny()}: 假/leave, 面试/interview, 工资/薪/salary. */
    public static KeywordClassifier forTinyKb() {
        Map<String, String> k = new LinkedHashMap<>();
        k.put("假", TestKnowledgeBases.LEAVE);
        k.put("leave", TestKnowledgeBases.LEAVE);
        k.put("vacation", TestKnowledgeBases.LEAVE);
        k.put("面试", TestKnowledgeBases.INTERVIEW);
        k.put("interview", TestKnowledgeBases.INTERVIEW);
        k.put("工资", TestKnowledgeBases.SALARY);
        k.put("薪", TestKnowledgeBases.SALARY);
        k.put("salary", TestKnowledgeBases.SALARY);
        return new KeywordClassifier(k);
    }

    @Override
    public String name() {
        return "keywords";
    }

    @Override
    public Source source() {
        return Source.RULES;
    }

    @Override
    public Classification classify(ClassifierInput input) {
        String text = input.normalized();
        for (Map.Entry<String, String> e : keywordToIntent.entrySet()) {
            if (text.contains(e.getKey())) {
                return new Classification(List.of(new ScoredIntent(e.getValue(), 0.9)), "1");
            }
        }
        return Classification.none("1");
    }

    @Override
    public boolean isNonBlocking() {
        return true;
    }
}
