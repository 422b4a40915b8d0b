package dev.ivbot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.testkit.TestKnowledgeBases;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatAndBenchCommandTest {

    @TempDir
    Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private PrintStream oldOut;
    private InputStream oldIn;
    private Path kb;

    @BeforeEach
    void setUp() throws Exception {
        oldOut = System.out;
        oldIn = System.in;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        kb = dir.resolve("kb.yaml");
        Files.writeString(kb, TestKnowledgeBases.TINY_YAML);
    }

    @AfterEach
    void restore() {
        System.setOut(oldOut);
        System.setIn(oldIn);
    }

    @Test
    void chatShowsIntentSlotsSourceAndLatencyAndKeepsTheSession() {
        System.setIn(new ByteArrayInputStream("年假有几天\n那病假呢\n/new\n那病假呢\n/quit\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(Main.run("chat", "--kb", kb.toString(), "--classifier", "rules")).isZero();
        String text = out.toString(StandardCharsets.UTF_8);
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
        String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertThat(lines[lines.length - 1])
                .matches("scenario=rules-memory turns_per_s=\\d+ p50_ms=[0-9.]+ p99_ms=[0-9.]+ errors=0");
    }

    @Test
    void anUnknownScenarioIsRefused() {
        assertThat(Main.run("bench", "--kb", kb.toString(), "--scenario", "nope")).isNotZero();
    }
}
