package dev.ivbot.kb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ivbot.Language;
import dev.ivbot.testkit.TestKnowledgeBases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KnowledgeBaseLoaderTest {

    private static final String SLOTS = """
            slots:
              leave_type:
                annual: [年假]
                sick: [病假]
            """;

    private static String intent(String body) {
        return "intents:\n  - id: leave_policy\n    title: {zh: 假期, en: Leave}\n    slots: [leave_type]\n"
                + "    examples: {zh: [年假几天]}\n" + body;
    }

    private static final String ANSWERS = "    answers:\n      - zh: 默认\n        en: default\n";

    static Stream<Arguments> brokenFiles() {
        return Stream.of(
                Arguments.of(intent("    answers:\n      - when: {leave_type: flu}\n        zh: a\n        en: b\n"
                        + "      - zh: c\n        en: d\n"), 7, "unknown value 'flu' of slot 'leave_type'"),
                Arguments.of(intent("    answers:\n      - when: {city: shanghai}\n        zh: a\n        en: b\n"),
                        7, "unknown slot 'city'"),
                Arguments.of(intent("    answers:\n      - zh: only chinese\n"), 7, "needs both 'zh' and 'en'"),
                Arguments.of(intent("    answers:\n      - when: {leave_type: sick}\n        zh: a\n        en: b\n"),
                        7, "needs a default answer"),
                Arguments.of(intent(ANSWERS + "    rules:\n      patterns: ['(unclosed']\n"), 10,
                        "invalid regular expression"),
                Arguments.of(intent(ANSWERS + "    rulez: {}\n"), 9, "unknown key 'rulez'"),
                Arguments.of(intent(ANSWERS + "    rules:\n      keywords: {年假: lots}\n"), 10,
                        "'weight of '年假'' should be a number"),
                Arguments.of(intent(ANSWERS) + "  - id: leave_policy\n    examples: {zh: [x]}\n" + ANSWERS, 9,
                        "intent 'leave_policy' is defined twice"),
                Arguments.of(intent(ANSWERS).replace("slots: [leave_type]", "slots: [leave_kind]"), 4,
                        "unknown slot 'leave_kind'"),
                Arguments.of(intent(ANSWERS).replace("id: leave_policy", "id: Leave Policy"), 2, "must match"),
                Arguments.of("intents:\n  - id: x\n    title: [oops\n", 3, "not valid YAML"),
                Arguments.of("intents:\n  - id: x\n    id: y\n", 3, "duplicate key 'id'"));
    }

    @ParameterizedTest
    @MethodSource("brokenFiles")
    void loadingErrorsNameFileLineAndProblem(String intentsYaml, int line, String problem, @TempDir Path dir)
            throws IOException {
        Files.writeString(dir.resolve("slots.yaml"), SLOTS);
        Files.createDirectories(dir.resolve("intents"));
        Files.writeString(dir.resolve("intents/leave.yaml"), intentsYaml);
        assertThatThrownBy(() -> KnowledgeBase.load(dir))
                .isInstanceOf(KnowledgeBaseException.class)
                .hasMessageContaining("intents/leave.yaml:" + line + ":")
                .hasMessageContaining(problem);
    }

    @Test
    void aGoodFolderLoadsAndTheMostSpecificAnswerWins(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("kb.yaml"), TestKnowledgeBases.TINY_YAML);
        KnowledgeBase kb = KnowledgeBase.load(dir);
        Intent leave = kb.intent("leave_policy").orElseThrow();
        assertThat(leave.answerFor(Map.of()).text().zh()).isEqualTo("假期按公司政策执行。");
        assertThat(leave.answerFor(Map.of("leave_type", "sick", "track", "campus")).text().in(Language.EN))
                .isEqualTo("10 days of sick leave a year.");
        assertThat(kb.fingerprint()).hasSize(12);
        assertThat(kb.followupFillers(Language.ZH)).contains("呢");
    }

    @Test
    void problemsAcrossFilesAreAllReported(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a.yaml"), "settings:\n  confidence_threshold: 7\n");
        Files.writeString(dir.resolve("b.yaml"), "slots:\n  track: {campus: [校招]}\n  track2: {campus: [校招]}\n");
        KnowledgeBaseException e = (KnowledgeBaseException) org.assertj.core.api.Assertions
                .catchThrowable(() -> KnowledgeBase.load(dir));
        assertThat(e.problems()).extracting(KnowledgeBaseException.Problem::file).contains("a.yaml", "b.yaml");
        assertThat(e.getMessage()).contains("a.yaml:2:", "from 0.0 to 1.0", "synonym '校招' is already used");
    }

    @Test
    void aMissingPathAnEmptyFolderAndAnOversizedFileAreRefused(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> KnowledgeBase.load(dir.resolve("nope"))).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> KnowledgeBase.load(dir)).hasMessageContaining("holds no .yaml file");
        Files.write(dir.resolve("huge.yaml"), new byte[3 * 1024 * 1024]);
        assertThatThrownBy(() -> KnowledgeBase.load(dir)).hasMessageContaining("huge.yaml")
                .hasMessageContaining("more than the limit");
    }

    @Test
    void invalidUtf8IsRefused(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("bad.yaml"), new byte[] {'a', ':', ' ', (byte) 0xC3, (byte) 0x28});
        assertThatThrownBy(() -> KnowledgeBase.load(dir)).hasMessageContaining("bad.yaml").hasMessageContaining("UTF-8");
    }

    @Test
    void yamlBombsAndDeepNestingAreRefusedQuickly() {
        StringBuilder bomb = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (char c = 'b'; c <= 'j'; c++) {
            char p = (char) (c - 1);
            bomb.append(c).append(": &").append(c).append(" [*").append(p).append(",*").append(p).append(",*")
                    .append(p).append(",*").append(p).append(",*").append(p).append(",*").append(p).append(",*")
                    .append(p).append(",*").append(p).append(",*").append(p).append("]\n");
        }
        assertThatThrownBy(() -> KnowledgeBase.fromYaml("bomb.yaml", bomb.toString()))
                .isInstanceOf(KnowledgeBaseException.class).hasMessageContaining("bomb.yaml");
        String deep = "intents: " + "[".repeat(5000) + "]".repeat(5000);
        assertThatThrownBy(() -> KnowledgeBase.fromYaml("deep.yaml", deep))
                .isInstanceOf(KnowledgeBaseException.class).hasMessageContaining("deep.yaml");
    }
}
