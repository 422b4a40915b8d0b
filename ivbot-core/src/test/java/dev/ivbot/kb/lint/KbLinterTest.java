package dev.ivbot.kb.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.kb.lint.LintFinding.Severity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each check of {@link KbLinter} on a small KB folder with faults planted at known lines. */
class KbLinterTest {
    private static final Path DEMO_KB = Path.of("..", "examples", "hr-demo-kb");

    static final String KB_YAML = """
            name: Lint test
            messages:
              fallback: {zh: 抱歉，请换个说法。, en: "Sorry, please rephrase."}
            """;

    static final String SLOTS_YAML = """
            slots:
              city:
                beijing: [北京, beijing]
                shanghai: [上海, shanghai]
                hangzhou: []
            """;

    /** Every fault the linter knows, one per marked line; the markers are how the test finds the lines. */
    static final String FAULTS_YAML = """
            intents:
              - id: social_insurance
                title: {zh: 社保, en: Social insurance}
                slots: [city]
                examples:
                  zh:
                    - 北京社保交多少
                    - 上海社保比例是多少            # slot value without an answer variant
                    - 社保怎么交
                    - 社保基数怎么算
                    - 五险一金包括什么
                  en: [social insurance in beijing, how is social insurance paid, what is the contribution base, what does it cover, is there a cap]
                answers:
                  - zh: 社保按国家规定缴纳。
                    en: Social insurance follows the law.
                  - when: {city: beijing}
                    zh: 北京社保基数每年七月调整。
                    en: In Beijing the base changes every July.
                  - when: {city: guangzhou}        # unreachable: no such value
                    zh: 广州社保……
                    en: In Guangzhou ...
                  - when: {city: beijing}          # unreachable: shadowed by the earlier variant
                    zh: 北京社保（旧）……
                    en: Beijing (old) ...
                  - when: {city: hangzhou}         # only a host attribute can choose it
                    zh: 杭州社保……
                    en: In Hangzhou ...
              - id: housing_fund
                title: {zh: 公积金, en: Housing fund}
                examples:
                  zh:
                    - 公积金比例多少
                    - 公积金怎么提取
                    - 社保怎么交！                  # duplicate across intents (after normalisation)
                    - 公积金基数怎么算
                    - 公积金能贷款吗
                  en: [housing fund rate, how to withdraw the housing fund, housing fund base, can i get a loan, housing fund and mortgage]
                answers:
                  - zh: 公积金比例为12%。           # missing translation
              - id: thin_intent                    # thin: two Chinese examples
                title: {zh: 体检, en: Medical exam}
                examples:
                  zh: [入职体检去哪里, 体检项目有哪些]
                  en: [where is the medical exam, what does the medical exam include, do i pay for it, when is it, can i use my own report]
                answers:
                  - zh: 入职体检请在指定医院完成。
                    en: 入职体检请在指定医院完成。  # untranslated
            """;

    @TempDir
    Path dir;
    Path faults;

    @BeforeEach
    void writeKb() throws Exception {
        Files.writeString(dir.resolve("kb.yaml"), KB_YAML);
        Files.writeString(dir.resolve("slots.yaml"), SLOTS_YAML);
        Files.createDirectories(dir.resolve("intents"));
        faults = dir.resolve("intents/faults.yaml");
        Files.writeString(faults, FAULTS_YAML);
    }

    @Test
    void theDemoKbHasNoErrors() {
        LintReport report = KbLinter.builder().build().lint(DEMO_KB);
        assertThat(report.errors()).isEmpty();
        assertThat(report.skipped()).anyMatch(s -> s.startsWith("confusable-intents"));
    }

    @Test
    void aDuplicateAcrossIntentsIsAnErrorAtTheSecondOccurrence() throws Exception {
        assertThat(findings("duplicate-example")).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.ERROR);
            assertThat(f.file()).isEqualTo("intents/faults.yaml");
            assertThat(f.line()).isEqualTo(lineOf("社保怎么交！"));
            assertThat(f.message()).contains("housing_fund").contains("social_insurance")
                    .contains("intents/faults.yaml:" + lineOf("- 社保怎么交\n"));
        });
    }

    @Test
    void aMissingTranslationIsAnErrorAndAnUntranslatedTextAWarning() throws Exception {
        List<LintFinding> found = findings("missing-translation");
        assertThat(found).anySatisfy(f -> {
            assertThat(f.severity()).isEqualTo(Severity.ERROR);
            assertThat(f.line()).isEqualTo(lineOf("公积金比例为12%"));
            assertThat(f.message()).contains("housing_fund").contains("English");
        });
        assertThat(found).anySatisfy(f -> {
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.line()).isEqualTo(lineOf("# untranslated"));
        });
        assertThat(found).hasSize(2);
    }

    @Test
    void variantsThatCanNeverBeChosenAreErrors() throws Exception {
        List<LintFinding> found = findings("unreachable-answer");
        assertThat(found).anySatisfy(f -> {
            assertThat(f.severity()).isEqualTo(Severity.ERROR);
            assertThat(f.line()).isEqualTo(lineOf("{city: guangzhou}"));
            assertThat(f.message()).contains("cannot take 'guangzhou'");
        });
        assertThat(found).anySatisfy(f -> {
            assertThat(f.severity()).isEqualTo(Severity.ERROR);
            assertThat(f.line()).isEqualTo(lineOf("shadowed"));
            assertThat(f.message()).contains("same conditions").contains(":" + lineOf("- when: {city: beijing}\n"));
        });
        assertThat(found).anySatisfy(f -> {
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.line()).isEqualTo(lineOf("{city: hangzhou}"));
            assertThat(f.message()).contains("host passes city=hangzhou");
        });
        assertThat(found).hasSize(3);
    }

    @Test
    void aSlotValueInExamplesWithoutAVariantIsAWarning() throws Exception {
        assertThat(findings("slot-value-without-answer")).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.line()).isEqualTo(lineOf("上海社保比例"));
            assertThat(f.message()).contains("city=shanghai").contains("when: {city: shanghai}");
        });
    }

    @Test
    void anIntentWithFewExamplesInALanguageIsThin() throws Exception {
        assertThat(findings("thin-intent")).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.line()).isEqualTo(lineOf("id: thin_intent"));
            assertThat(f.message()).contains("2 Chinese examples").contains("fewer than 5");
        });
        assertThat(KbLinter.builder().minExamples(2).build().lint(dir).findings())
                .noneMatch(f -> f.code().equals("thin-intent"));
    }

    @Test
    void aNearDuplicateAcrossIntentsIsAWarning() throws Exception {
        String edited = FAULTS_YAML.replace("- 公积金基数怎么算", "- 社保基数怎么算呢");
        Files.writeString(faults, edited);
        assertThat(findings("near-duplicate-example")).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.line()).isEqualTo(lineOf("社保基数怎么算呢"));
            assertThat(f.message()).contains("'社保基数怎么算' of 'social_insurance'");
        });
    }

    @Test
    void whatOnlyTheLoaderCatchesIsReportedOnceAsInvalid() throws Exception {
        Files.writeString(faults, FAULTS_YAML.replace("    title: {zh: 公积金, en: Housing fund}",
                "    title: {zh: 公积金, en: Housing fund}\n    colour: blue"));
        List<LintFinding> invalid = findings("invalid");
        assertThat(invalid).singleElement().satisfies(f -> {
            assertThat(f.line()).isEqualTo(lineOf("colour: blue"));
            assertThat(f.message()).contains("unknown key 'colour'");
        });
        // the loader's own report of the missing 'en' is not repeated beside the lint error
        assertThat(KbLinter.builder().build().lint(dir).errors())
                .filteredOn(f -> f.line() == lineOf("公积金比例为12%")).hasSize(1);
    }

    @Test
    void aFileThatIsNotYamlIsAnErrorWithItsLine() {
        LintReport report = KbLinter.builder().build().lint(Map.of("kb.yaml", "name: x\nintents: [\n  - id: a\n"));
        assertThat(report.errors()).singleElement().satisfies(f -> {
            assertThat(f.code()).isEqualTo("invalid");
            assertThat(f.file()).isEqualTo("kb.yaml");
            assertThat(f.line()).isPositive();
        });
    }

    @Test
    void findingsPrintAsFileLineSeverityCode() {
        LintFinding f = new LintFinding(Severity.ERROR, "duplicate-example", "'x' twice", "intents/a.yaml", 7);
        assertThat(f).hasToString("intents/a.yaml:7: error [duplicate-example] 'x' twice");
    }

    private List<LintFinding> findings(String code) {
        return KbLinter.builder().build().lint(dir).findings().stream().filter(f -> f.code().equals(code)).toList();
    }

    /** 1-based line of the first line of faults.yaml containing {@code marker} (a marker may end in a newline). */
    private int lineOf(String marker) {
        String text;
        try {
            text = Files.readString(faults, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        int at = text.indexOf(marker);
        assertThat(at).as(marker).isNotNegative();
        return (int) text.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
    }
}
