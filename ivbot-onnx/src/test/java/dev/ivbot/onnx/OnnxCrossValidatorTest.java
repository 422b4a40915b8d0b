package dev.ivbot.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.Language;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.kb.lint.KbLinter;
import dev.ivbot.kb.lint.LintFinding;
import dev.ivbot.kb.lint.LintReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The confusable-intents check of {@code kb lint} with the real bge-small encoders: two intents
 * that ask the same questions in other words are reported, with the examples that cause it; an
 * intent about something else is not.
 */
class OnnxCrossValidatorTest {

    /** leave_days and vacation_days are one topic split in two; salary stands apart. */
    static final String KB = """
            intents:
              - id: leave_days
                examples:
                  zh: [年假有几天, 一年能休多少天年假, 带薪假期有多少天, 每年有多少天假, 年休假天数是多少, 休假天数怎么算]
                  en: [how many days of annual leave, how much vacation per year, how many paid days off, number of leave days each year, annual leave allowance, how are vacation days counted]
                answers:
                  - {zh: 每年15天。, en: 15 days a year.}
              - id: vacation_days
                examples:
                  zh: [假期一共几天, 我一年有几天带薪休假, 年假天数多少, 能请几天年休假, 每年假期天数, 带薪年假有多少]
                  en: [how many vacation days do i get, days of paid leave per year, what is my annual vacation, how long is the yearly leave, total holiday days, paid vacation days per year]
                answers:
                  - {zh: 每年15天年假。, en: 15 vacation days a year.}
              - id: salary
                examples:
                  zh: [工资什么时候发, 月薪怎么构成, 年终奖有多少, 薪资可以谈吗, 工资卡用哪个银行, 涨薪多久一次]
                  en: [when is payday, how is the salary structured, how big is the bonus, can i negotiate pay, which bank for the salary card, how often are raises]
                answers:
                  - {zh: 每月10日发薪。, en: Pay day is the 10th.}
            """;

    @Test
    void twoIntentsThatAskTheSameAreConfusableAndADistinctOneIsNot() {
        LintReport report = KbLinter.builder().crossValidator(OnnxCrossValidator.builder().folds(3).intraOpThreads(1)
                .build()).build().lint(Map.of("intents.yaml", KB));
        List<LintFinding> confusable = report.findings().stream()
                .filter(f -> f.code().equals("confusable-intents")).toList();
        assertThat(confusable).as(report.findings().toString()).isNotEmpty()
                .allSatisfy(f -> assertThat(f.message()).contains("'leave_days' and 'vacation_days'")
                        .doesNotContain("salary").contains("reads as").containsPattern("intents\\.yaml:\\d+"))
                .allSatisfy(f -> assertThat(f.severity()).isEqualTo(LintFinding.Severity.WARNING));
        assertThat(report.errors()).isEmpty();
    }

    /** The snippet of docs/kb-format.md, compiled here (not run: it lints a folder of the reader's). */
    static void kbFormatSnippet() {
        // tag::kb-lint[]
        LintReport report = KbLinter.builder()
                .crossValidator(OnnxCrossValidator.builder().build())  // ivbot-onnx; leave out to skip the model check
                .build().lint(Path.of("my-kb"));
        report.findings().forEach(System.out::println);
        // end::kb-lint[]
    }

    @Test
    void theSnippetOfTheKbFormatDocIsCompiledCode() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "kb-format.md"), StandardCharsets.UTF_8);
        String self = Files.readString(Path.of("src", "test", "java", "dev", "ivbot", "onnx",
                "OnnxCrossValidatorTest.java"), StandardCharsets.UTF_8);
        Matcher block = Pattern.compile("(?s)## `kb lint`.*?```java\\n(.*?)```").matcher(doc);
        Matcher region = Pattern.compile("(?s)// tag::kb-lint\\[]\\n(.*?)\\n\\s*// end::kb-lint\\[]").matcher(self);
        assertThat(block.find()).isTrue();
        assertThat(region.find()).isTrue();
        assertThat(strip(block.group(1))).isEqualTo(strip(region.group(1)));
    }

    private static String strip(String code) {
        return code.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(java.util.stream.Collectors.joining("\n"));
    }

    @Test
    void everyExampleGetsAnOutOfFoldPrediction() {
        KnowledgeBase kb = KnowledgeBase.fromYaml("intents.yaml", KB);
        List<String> predicted = OnnxCrossValidator.builder().folds(3).intraOpThreads(1).build()
                .outOfFold(kb, Language.ZH);
        assertThat(predicted).hasSize(18).doesNotContainNull();
        // the salary questions share no topic with the others (one of six may still go astray with
        // four training examples per intent: "年终奖有多少" reads like "有多少天")
        assertThat(predicted.subList(12, 18).stream().filter("salary"::equals).count()).isGreaterThanOrEqualTo(5);
    }
}
