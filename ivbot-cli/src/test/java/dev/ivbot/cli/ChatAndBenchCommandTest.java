package dev.ivbot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChatAndBenchCommandTest extends CliTestSupport {

    @Test
    void chatShowsIntentSlotsSourceAndLatencyAndKeepsTheSession() {
        input("年假有几天\n那病假呢\n/new\n那病假呢\n/quit\n");
        assertThat(Main.run("chat", "--kb", kb.toString(), "--classifier", "rules")).isZero();
        String text = output();
        assertThat(text).contains("年假每年15天。", "intent=leave_policy", "slots={leave_type=annual}", "source=rules",
                "latency=");
        assertThat(text).contains("病假每年10天。", "source=context");
        // after /new there is no topic to continue: the same words are classified afresh
        assertThat(text).contains("(new session ");
        assertThat(text.substring(text.indexOf("(new session "))).contains("source=rules")
                .doesNotContain("source=context");
    }

    @Test
    void benchEndsWithTheScenarioLine() {
        assertThat(Main.run("bench", "--kb", kb.toString(), "--scenario", "rules-memory", "--seconds", "0.5",
                "--sessions", "100")).isZero();
        assertThat(lastLine())
                .matches("scenario=rules-memory turns_per_s=\\d+ p50_ms=[0-9.]+ p99_ms=[0-9.]+ errors=0");
    }

    @Test
    void anUnknownScenarioIsRefused() {
        assertThat(Main.run("bench", "--kb", kb.toString(), "--scenario", "nope")).isNotZero();
    }
}
