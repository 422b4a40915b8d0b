package dev.ivbot.examples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ivbot.ChatRequest;
import dev.ivbot.FallbackReason;
import dev.ivbot.Reply;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The chat page in a real browser: starts the server on a loopback port, then runs
 * {@code examples/e2e/chat.spec.mjs} (playwright-core driving Debian's chromium): log in, 年假有几天,
 * 那病假呢, English, a clarifying question, click a choice, the busy message. Screenshots go to
 * {@code examples/target/screenshots/}.
 *
 * <p>Needs {@code /usr/bin/chromium} (or {@code IVBOT_CHROMIUM}), {@code node} 20+ and
 * {@code examples/e2e/node_modules}: {@code scripts/install-test-deps.sh} installs them. Without them the
 * test fails, unless {@code IVBOT_E2E_OPTIONAL=1}, where it is skipped.
 */
class ChatPageBrowserTest {
    /** English questions tried in order; the first that the KB answers with a clarification is used. */
    static final List<String> CLARIFYING_CANDIDATES = List.of(
            "salary or bonus", "written test or interview", "pay", "help", "contract", "hukou", "benefits");

    @Test
    void aCandidateChatsInChineseThenEnglishAndPicksAClarification() throws Exception {
        Path e2e = Path.of("e2e").toAbsolutePath();
        Path chromium = Path.of(Optional.ofNullable(System.getenv("IVBOT_CHROMIUM")).orElse("/usr/bin/chromium"));
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(chromium)) {
            missing.add(chromium + " (apt-get install -y chromium)");
        }
        if (!Files.isDirectory(e2e.resolve("node_modules/playwright-core"))) {
            missing.add(e2e.resolve("node_modules/playwright-core") + " (cd examples/e2e && npm ci)");
        }
        if (findOnPath("node").isEmpty()) {
            missing.add("node 20+ (apt-get install -y nodejs npm)");
        }
        if (!missing.isEmpty()) {
            String message = "the browser test needs " + String.join(", ", missing)
                    + "; scripts/install-test-deps.sh installs them";
            if ("1".equals(System.getenv("IVBOT_E2E_OPTIONAL"))) {
                Assumptions.abort("skipped (IVBOT_E2E_OPTIONAL=1): " + message);
            }
            fail(message + " (set IVBOT_E2E_OPTIONAL=1 to skip this test instead)");
        }

        ServerConfig config = ServerConfig.builder().port(0).rulesOnly().devLogin(true).build();
        try (ChatServer server = ChatServer.start(config)) {
            String clarifying = clarifyingQuestion(server);
            Path screenshots = Path.of("target", "screenshots").toAbsolutePath();
            ProcessBuilder pb = new ProcessBuilder(findOnPath("node").get().toString(),
                    e2e.resolve("chat.spec.mjs").toString(), server.uri().toString(), screenshots.toString(), clarifying)
                    .directory(e2e.toFile())
                    .redirectErrorStream(true);
            pb.environment().put("IVBOT_CHROMIUM", chromium.toString());
            Process process = pb.start();
            byte[] out;
            try (var in = process.getInputStream()) {
                out = in.readAllBytes(); // ends when the script exits
            }
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("the browser test did not finish in 120 s:\n" + new String(out, StandardCharsets.UTF_8));
            }
            String output = new String(out, StandardCharsets.UTF_8);
            System.out.println(output);
            assertThat(process.exitValue()).as("chat.spec.mjs exit code; its output:%n%s", output).isZero();
            assertThat(screenshots.resolve("07-choice-answered.png")).exists();
        }
    }

    /** The first candidate that the server's KB answers with a clarifying reply offering two choices or more. */
    static String clarifyingQuestion(ChatServer server) {
        int n = 0;
        for (String candidate : CLARIFYING_CANDIDATES) {
            Reply reply = server.engine().chat(ChatRequest.of("probe", "probe-" + n++, candidate));
            if (reply.fallbackReason() == FallbackReason.AMBIGUOUS && reply.choices().size() >= 2) {
                return candidate;
            }
        }
        throw new AssertionError("none of " + CLARIFYING_CANDIDATES + " gets a clarifying reply from the KB '"
                + server.engine().knowledgeBase().name() + "' any more; add a question that does");
    }

    private static Optional<Path> findOnPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, command);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

}
