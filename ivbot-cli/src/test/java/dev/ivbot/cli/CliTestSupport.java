package dev.ivbot.cli;

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
import org.junit.jupiter.api.io.TempDir;

/** Runs {@link Main} with the process's standard streams captured, and a tiny KB in {@code kb}. */
abstract class CliTestSupport {

    @TempDir
    Path dir;
    /** The test kit's tiny KB, as a single YAML file. */
    Path kb;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream oldOut;
    private PrintStream oldErr;
    private InputStream oldIn;

    @BeforeEach
    void captureStreams() throws Exception {
        oldOut = System.out;
        oldErr = System.err;
        oldIn = System.in;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        kb = dir.resolve("kb.yaml");
        Files.writeString(kb, TestKnowledgeBases.TINY_YAML);
    }

    @AfterEach
    void restoreStreams() {
        System.setOut(oldOut);
        System.setErr(oldErr);
        System.setIn(oldIn);
    }

    String output() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String errors() {
        return err.toString(StandardCharsets.UTF_8);
    }

    String lastLine() {
        String[] lines = output().strip().split("\n");
        return lines[lines.length - 1];
    }

    void input(String text) {
        System.setIn(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }
}
