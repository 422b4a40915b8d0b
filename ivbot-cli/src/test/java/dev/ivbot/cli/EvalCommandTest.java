package dev.ivbot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class EvalCommandTest extends CliTestSupport {

    @Test
    void singleTurnFileEndsWithTheHeadlineFigures() throws Exception {
        Path data = dir.resolve("turns.jsonl");
        Files.writeString(data, """
                {"text": "年假有几天？", "intent": "leave_policy", "slots": {"leave_type": "annual"}}
                {"text": "面试有几轮", "intent": "interview_process"}
                {"text": "工资多少", "intent": "salary"}
                {"text": "病假有几天", "intent": "salary"}
                {"text": "what's the weather tomorrow", "intent": "oos"}
                {"text": "明天天气怎么样", "intent": "oos", "lang": "zh"}
                """);
        int code = Main.run("eval", "--kb", kb.toString(), "--data", data.toString(), "--classifier", "rules");
        assertThat(code).isZero();
        String headline = lastLine();
        assertThat(headline).matches("accuracy=0\\.7500 macro_f1=\\S+ oos_recall=1\\.0000 false_fallback=0\\.0000 "
                + "slot_accuracy=1\\.0000 n=6 p99_ms=\\S+");
        assertThat(output()).contains("salary -> leave_policy");
    }

    @Test
    void dialogFileScoresTurnsAndDialogs() throws Exception {
        Path data = dir.resolve("dialogs.jsonl");
        Files.writeString(data, """
                {"id": "leave-1", "turns": [{"text": "年假有几天？", "intent": "leave_policy", "slots": {"leave_type": "annual"}}, {"text": "那病假呢", "intent": "leave_policy", "slots": {"leave_type": "sick"}}]}
                {"id": "bad-1", "turns": [{"text": "面试几轮", "intent": "salary"}]}
                """);
        int code = Main.run("eval", "--kb", kb.toString(), "--data", data.toString(), "--classifier", "rules");
        assertThat(code).isZero();
        assertThat(lastLine()).isEqualTo("turn_accuracy=0.6667 dialog_success=0.5000 n_dialogs=2 n_turns=3");
    }

    @Test
    void aBrokenFileIsNamedWithItsLineAndTheExitCodeIsNonZero() throws Exception {
        Path data = dir.resolve("broken.jsonl");
        Files.writeString(data, "{\"text\": \"年假\", \"intent\": \"leave_policy\"}\n{\"text\": oops}\n");
        int code = Main.run("eval", "--kb", kb.toString(), "--data", data.toString());
        assertThat(code).isNotZero();
        assertThat(errors()).contains("broken.jsonl:2").contains("not valid JSON");

        assertThat(Main.run("eval", "--kb", kb.toString(), "--data", dir.resolve("missing.jsonl").toString()))
                .isNotZero();
        assertThat(errors()).contains("missing.jsonl");
    }

    @Test
    void anUnknownClassifierIsRefused() throws Exception {
        Path data = dir.resolve("turns.jsonl");
        Files.writeString(data, "{\"text\": \"年假\", \"intent\": \"leave_policy\"}\n");
        assertThat(Main.run("eval", "--kb", kb.toString(), "--data", data.toString(), "--classifier", "magic"))
                .isNotZero();
        assertThat(errors()).contains("--classifier must be one of");
    }
}
