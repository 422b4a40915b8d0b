package dev.ivbot.cli;

import dev.ivbot.ChatRequest;
import dev.ivbot.Choice;
import dev.ivbot.DialogEngine;
import dev.ivbot.IvbotException;
import dev.ivbot.Reply;
import dev.ivbot.spi.SessionStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ./ivbot chat}: a terminal chat on embedded defaults. */
@Command(name = "chat", mixinStandardHelpOptions = true,
        description = "Chat in the terminal with the demo KB (in-memory sessions). Type /new for a new session, /quit to leave.")
final class ChatCommand implements Callable<Integer> {

    @Mixin
    EngineOptions options;

    @Override
    public Integer call() throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (EngineOptions owned = options; DialogEngine engine = options.engineBuilder(options.loadKnowledgeBase(), SessionStore.inMemory()).build()) {
            out.println("ivbot chat: " + engine.knowledgeBase() + ", classifier " + engine.primaryClassifier().name()
                    + ". Ask in Chinese or English; /new starts a new session, /quit leaves.");
            String session = newSession();
            Reply last = null;
            while (true) {
                out.print("> ");
                String line = in.readLine();
                if (line == null || line.strip().equalsIgnoreCase("/quit")) {
                    return 0;
                }
                if (line.isBlank()) {
                    continue;
                }
                if (line.strip().equalsIgnoreCase("/new")) {
                    session = newSession();
                    out.println("(new session " + session + ")");
                    continue;
                }
                ChatRequest request = ChatRequest.of("terminal", session, line);
                // "1", "2", ... picks a choice of the last clarifying reply
                if (last != null && !last.choices().isEmpty() && line.strip().matches("[1-9]")) {
                    int index = Integer.parseInt(line.strip()) - 1;
                    if (index < last.choices().size()) {
                        request = request.withChoice(last.choices().get(index).intent());
                    }
                }
                try {
                    last = engine.chat(request);
                    print(out, last);
                } catch (IvbotException e) {
                    out.println("! " + e.getMessage());
                }
            }
        }
    }

    static void print(PrintStream out, Reply reply) {
        out.println(reply.text());
        for (int i = 0; i < reply.choices().size(); i++) {
            Choice c = reply.choices().get(i);
            out.println("  [" + (i + 1) + "] " + c.label());
        }
        out.println(String.format(Locale.ROOT, "  (intent=%s confidence=%.2f slots=%s source=%s%s latency=%.2fms)",
                reply.intent() == null ? "-" : reply.intent(), reply.confidence(), reply.slots(),
                reply.source().name().toLowerCase(Locale.ROOT),
                reply.fallbackReason() == null ? "" : " reason=" + reply.fallbackReason().name().toLowerCase(Locale.ROOT),
                reply.latency().toNanos() / 1e6));
    }

    private static String newSession() {
        return "cli-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
