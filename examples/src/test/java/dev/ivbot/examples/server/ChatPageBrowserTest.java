package dev.ivbot.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.ChatRequest;
import dev.ivbot.FallbackReason;
import dev.ivbot.Reply;
import java.nio.file.Path;
import java.util.List;
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
        BrowserScript.requireBrowser();

        ServerConfig config = ServerConfig.builder().port(0).rulesOnly().devLogin(true).build();
        try (ChatServer server = ChatServer.start(config)) {
            String clarifying = clarifyingQuestion(server);
            Path screenshots = Path.of("target", "screenshots").toAbsolutePath();
            BrowserScript.run("chat.spec.mjs", 120, server.uri().toString(), screenshots.toString(), clarifying);
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
}
