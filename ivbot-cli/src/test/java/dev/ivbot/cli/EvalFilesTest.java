package dev.ivbot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.Language;
import dev.ivbot.internal.text.TextNormalizer;
import dev.ivbot.kb.Intent;
import dev.ivbot.kb.KnowledgeBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped evaluation files against the demo KB they measure: each reads as `./ivbot eval` reads
 * it, names only the KB's intents (or out of scope), and no single-turn question is one of the KB's
 * own examples, so that a figure on them is a figure on questions the model was not trained on
 * (docs/evaluation.md, "The files"). Dialog files may repeat a short common question ("谢谢",
 * "what about interns?"), as docs/evaluation.md says, and are not held to that.
 */
class EvalFilesTest {

    private static final Path EVAL = Path.of("..", "eval");
    private static final Path DEMO_KB = Path.of("..", "examples", "hr-demo-kb");
    private static KnowledgeBase kb;

    @BeforeAll
    static void loadDemoKb() {
        kb = KnowledgeBase.load(DEMO_KB);
    }

    @Test
    void everyEvalFileReadsAndNamesOnlyTheDemoKbsIntents() throws IOException {
        List<Path> files = evalFiles();
        assertThat(files).as("eval/*.jsonl").hasSizeGreaterThanOrEqualTo(10)
                .contains(EVAL.resolve("dev-zh-hard.jsonl"), EVAL.resolve("dev-en-hard.jsonl"));
        for (Path file : files) {
            EvalData.File data = EvalData.read(file);
            List<EvalData.Case> cases = new ArrayList<>(data.turns());
            data.dialogs().forEach(d -> cases.addAll(d.turns()));
            assertThat(cases).as(file.toString()).isNotEmpty();
            assertThat(Evaluator.unknownIntents(cases, kb.intents().keySet())).as(file + ": intents not in the demo KB")
                    .isEmpty();
        }
    }

    @Test
    void noSingleTurnQuestionIsAnExampleOfTheDemoKb() throws IOException {
        Map<String, String> examples = new HashMap<>();
        for (Intent intent : kb.intents().values()) {
            for (Language language : Language.values()) {
                for (String example : intent.examples(language)) {
                    examples.put(TextNormalizer.normalize(example), intent.id());
                }
            }
        }
        List<String> leaks = new ArrayList<>();
        for (Path file : evalFiles()) {
            EvalData.File data = EvalData.read(file);
            for (EvalData.Case c : data.turns()) {
                String intent = examples.get(TextNormalizer.normalize(c.text()));
                if (intent != null) {
                    leaks.add(c.where() + ": '" + c.text() + "' is an example of " + intent);
                }
            }
        }
        assertThat(leaks).isEmpty();
    }

    private static List<Path> evalFiles() throws IOException {
        try (Stream<Path> s = Files.list(EVAL)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jsonl")).sorted().toList();
        }
    }
}
