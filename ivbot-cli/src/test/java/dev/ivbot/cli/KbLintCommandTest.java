package dev.ivbot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ivbot.testkit.KbFolder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code ./ivbot kb lint}: the demo KB passes, a copy of it with planted faults fails with each fault
 * at its file and line, and warnings alone exit 0. The confusion check, which embeds every example,
 * has its own test in ivbot-onnx; here it is skipped with {@code --no-model}.
 */
class KbLintCommandTest extends CliTestSupport {
    private static final Path DEMO_KB = Path.of("..", "examples", "hr-demo-kb");

    @Test
    void theDemoKbHasNoErrors() {
        assertThat(Main.run("kb", "lint", "--kb", DEMO_KB.toString(), "--no-model")).isZero();
        assertThat(lastLine()).contains(": 0 errors,");
        assertThat(output()).contains("skipped confusable-intents");
    }

    @Test
    void plantedFaultsAreEachReportedWithFileAndLineAndExitOne() {
        Path kb = dir.resolve("faulty");
        // a duplicate across intents: a sick-leave question of leave_policy also under payday
        KbFolder.copy(DEMO_KB, kb).addExample("payday", "zh", "病假怎么请")
                // an unreachable variant: a city the slot does not have
                .replace("intents/pay_and_benefits.yaml", "      - when: {city: chengdu}\n",
                        "      - when: {city: guangzhou}\n        zh: 广州\n        en: Guangzhou\n"
                                + "      - when: {city: chengdu}\n");
        // a missing translation: the Beijing variant loses its English text
        edit(kb, "(      - when: \\{city: beijing\\}\n.*\n)        en: .*\n", "$1");
        // a slot value without a variant: the Hangzhou variant is gone, the examples that name Hangzhou stay
        edit(kb, "      - when: \\{city: hangzhou\\}\n.*\n.*\n", "");
        String file = kb.resolve("intents/pay_and_benefits.yaml").toString();
        int code = Main.run("kb", "lint", "--kb", kb.toString(), "--no-model", "--min-examples", "21");
        String out = output();
        assertThat(code).as(out).isEqualTo(1);
        Path pay = kb.resolve("intents/pay_and_benefits.yaml");
        assertThat(out).contains(file + ":" + lineOf(pay, "        - 病假怎么请")
                + ": error [duplicate-example] '病假怎么请' is an example of 'payday' and of 'leave_policy'");
        // the answer whose en line was removed starts at its when line
        assertThat(out).contains(file + ":" + lineOf(pay, "      - when: {city: beijing}")
                + ": error [missing-translation] an answer of 'social_insurance' 'when: {city: beijing}' has no English text");
        assertThat(out).contains(file + ":" + lineOf(pay, "      - when: {city: guangzhou}")
                + ": error [unreachable-answer] the answer 'when: {city: guangzhou}' of 'social_insurance'"
                + " can never be chosen: slot 'city' cannot take 'guangzhou'");
        assertThat(out).containsPattern(java.util.regex.Pattern.quote(file)
                + ":\\d+: warning \\[slot-value-without-answer\\] \\d+ examples? of 'social_insurance' name city=hangzhou");
        assertThat(out).containsPattern("warning \\[thin-intent\\] intent '\\w+' has \\d+ English examples, fewer than 21");
    }

    /** 1-based number of the first line of {@code file} that starts with {@code prefix}. */
    private static int lineOf(Path file, String prefix) {
        try {
            List<String> lines = java.nio.file.Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).startsWith(prefix)) {
                    return i + 1;
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new AssertionError(prefix + " not in " + file);
    }

    private static void edit(Path kb, String regex, String replacement) {
        try {
            Path file = kb.resolve("intents/pay_and_benefits.yaml");
            String text = java.nio.file.Files.readString(file);
            String edited = text.replaceFirst(regex, replacement);
            assertThat(edited).as(regex).isNotEqualTo(text);
            java.nio.file.Files.writeString(file, edited);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theLinesNamedAreTheLinesOfTheFaults() throws Exception {
        Path kb = dir.resolve("dup");
        KbFolder.copy(DEMO_KB, kb).addExample("payday", "zh", "病假怎么请");
        assertThat(Main.run("kb", "lint", "--kb", kb.toString(), "--no-model", "--json")).isEqualTo(1);
        JsonNode report = new ObjectMapper().readTree(output());
        assertThat(report.get("errors").asInt()).isEqualTo(1);
        JsonNode dup = report.get("findings").findParents("code").stream()
                .filter(f -> f.get("code").asText().equals("duplicate-example")).findFirst().orElseThrow();
        Path file = Path.of(dup.get("file").asText());
        String line = java.nio.file.Files.readAllLines(file).get(dup.get("line").asInt() - 1);
        assertThat(line).isEqualTo("        - 病假怎么请");
        assertThat(dup.get("severity").asText()).isEqualTo("error");
    }

    @Test
    void warningsAloneExitZero() {
        Path kb = dir.resolve("thin");
        KbFolder.copy(DEMO_KB, kb);
        assertThat(Main.run("kb", "lint", "--kb", kb.toString(), "--no-model", "--min-examples", "1000")).isZero();
        assertThat(output()).contains("warning [thin-intent]").contains(": 0 errors,");
    }
}
