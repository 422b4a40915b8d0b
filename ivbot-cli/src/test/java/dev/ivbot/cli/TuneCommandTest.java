package dev.ivbot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.kb.KnowledgeBase;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TuneCommandTest extends CliTestSupport {

    @Test
    void choosesSettingsOnTheValidationFileAndWritesThemIntoKbYaml() throws Exception {
        KnowledgeBase before = KnowledgeBase.load(kb);
        Path data = dir.resolve("dev.jsonl");
        Files.writeString(data, """
                {"text": "年假有几天？", "intent": "leave_policy"}
                {"text": "面试有几轮", "intent": "interview_process"}
                {"text": "工资多少", "intent": "salary"}
                {"text": "what's the weather tomorrow", "intent": "oos"}
                {"text": "明天天气怎么样", "intent": "oos"}
                """);
        int code = Main.run("tune", "--kb", kb.toString(), "--data", data.toString(), "--classifier", "rules",
                "--margins", "0,0.15", "--write");
        assertThat(code).isZero();
        String text = output();
        assertThat(text).contains("78 grid points").contains("chosen   threshold=");
        assertThat(lastLine()).matches("confidence_threshold=\\d\\.\\d{3} clarify_margin=0\\.(000|150)");
        KnowledgeBase after = KnowledgeBase.load(kb);
        assertThat(after.intents().keySet()).isEqualTo(before.intents().keySet());
        double threshold = Double.parseDouble(lastLine().replaceAll(".*confidence_threshold=(\\S+).*", "$1"));
        assertThat(after.settings().confidenceThreshold()).isEqualTo(threshold);
        // the chosen point scores at least as well as the KB's own settings on this file
        assertThat(text).containsPattern("chosen .* in_scope_accuracy=1\\.0000 oos_recall=1\\.0000");
    }

    @Test
    void withoutOutOfScopeLinesOnlyInScopeAccuracyCountsAndTiesStayNearTheCurrentSettings() throws Exception {
        Path data = dir.resolve("dev.jsonl");
        Files.writeString(data, "{\"text\": \"年假有几天？\", \"intent\": \"leave_policy\"}\n");
        assertThat(Main.run("tune", "--kb", kb.toString(), "--data", data.toString(), "--classifier", "rules",
                "--margins", "0.15")).isZero();
        // every threshold up to the rule score answers this line: the tie goes to 0.45, the KB's value
        assertThat(lastLine()).isEqualTo("confidence_threshold=0.450 clarify_margin=0.150");
    }
}
