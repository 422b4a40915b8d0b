package dev.ivbot.examples.guide;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.ChatRequest;
import dev.ivbot.DialogEngine;
import dev.ivbot.Reply;
import dev.ivbot.Source;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.KnowledgeBaseWatcher;
import dev.ivbot.rules.RuleClassifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Keeps {@code docs/user-guide.md} honest: its Java blocks are compiled code, its KB examples load and answer. */
class UserGuideSnippetsTest {
    private static final Path GUIDE = Path.of("..", "docs", "user-guide.md");
    private static final Path SNIPPETS = Path.of("src", "test", "java", "dev", "ivbot", "examples", "guide",
            "UserGuideSnippets.java");
    private static final Path DEMO_KB = Path.of("hr-demo-kb");

    @Test
    void everyJavaBlockOfTheGuideIsACompiledSnippet() throws IOException {
        Map<String, String> regions = new LinkedHashMap<>();
        Matcher tag = Pattern.compile("(?s)// tag::([a-z0-9-]+)\\[]\\n(.*?)\\n\\s*// end::\\1\\[]")
                .matcher(Files.readString(SNIPPETS, StandardCharsets.UTF_8));
        while (tag.find()) {
            regions.put(tag.group(1), normalize(tag.group(2)));
        }
        List<String> blocks = blocks("java");
        assertThat(blocks).hasSizeGreaterThanOrEqualTo(8);
        for (String block : blocks) {
            assertThat(regions.values())
                    .as("this java block of docs/user-guide.md is not a tagged region of UserGuideSnippets.java:%n%s", block)
                    .contains(normalize(block));
        }
    }

    @Test
    void theHostPoolsSnippetAnswersOnTheHostsPools() {
        Reply reply = UserGuideSnippets.hostPools(KnowledgeBase.load(DEMO_KB));
        assertThat(reply.intent()).isEqualTo("leave_policy");
    }

    @Test
    void theKbExamplesOfTheGuideLoadAndAnswer() throws IOException {
        Map<String, String> documents = new LinkedHashMap<>();
        for (String block : blocks("yaml")) {
            Matcher file = Pattern.compile("^# file: (\\S+)").matcher(block);
            if (file.find()) {
                documents.put("user-guide.md:" + file.group(1), block);
            }
        }
        assertThat(documents).hasSize(4);
        KnowledgeBase kb = KnowledgeBase.fromYaml(documents);
        assertThat(kb.name()).isEqualTo("Guide Example HR");
        try (DialogEngine engine = DialogEngine.builder().knowledgeBase(kb)
                .primaryClassifier(RuleClassifier.factory()).build()) {
            Reply annual = engine.chat(ChatRequest.of("hr", "guide-1", "年假有几天"));
            assertThat(annual.intent()).isEqualTo("leave_policy");
            assertThat(annual.text()).contains("15天");
            Reply sick = engine.chat(ChatRequest.of("hr", "guide-1", "那病假呢"));
            assertThat(sick.source()).isEqualTo(Source.CONTEXT);
            assertThat(sick.text()).contains("12天");
            Reply intern = engine.chat(ChatRequest.of("hr", "guide-2", "how many vacation days do i get")
                    .withAttributes(Map.of("track", "intern")));
            assertThat(intern.text()).contains("Interns get 1 paid day off");
            assertThat(engine.chat(ChatRequest.of("hr", "guide-3", "校招面试有几轮")).text()).contains("秋招");
        }
    }

    @Test
    void theBuildSnippetAnswersTheFollowUp() {
        Reply next = UserGuideSnippets.buildTheEngine(DEMO_KB);
        assertThat(next.intent()).isEqualTo("leave_policy");
        assertThat(next.slots()).containsEntry("leave_type", "sick");
        assertThat(next.source()).isEqualTo(Source.CONTEXT);
    }

    @Test
    void theMetricsSnippetServesPrometheusText() {
        String scrape = UserGuideSnippets.metrics(KnowledgeBase.load(DEMO_KB)).scrape();
        assertThat(scrape).contains("ivbot_turns_total").contains("ivbot_failure_alarm");
    }

    @Test
    void theSessionAndWatcherSnippetsRun() {
        try (DialogEngine engine = DialogEngine.builder().knowledgeBase(KnowledgeBase.load(DEMO_KB))
                .primaryClassifier(RuleClassifier.factory()).build()) {
            engine.chat(ChatRequest.of("u1", "s1", "年假有几天"));
            assertThat(UserGuideSnippets.sessions(engine, "u1", "s1")).isTrue();
            try (KnowledgeBaseWatcher watcher = UserGuideSnippets.hotReloadTheKb(engine, DEMO_KB)) {
                assertThat(watcher).isNotNull();
            }
        }
    }

    private static List<String> blocks(String language) throws IOException {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("(?s)```" + language + "\\n(.*?)```").matcher(Files.readString(GUIDE, StandardCharsets.UTF_8));
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** Lines stripped of indentation, blank lines dropped. */
    private static String normalize(String code) {
        StringBuilder sb = new StringBuilder();
        for (String line : code.split("\n")) {
            if (!line.isBlank()) {
                sb.append(line.strip()).append('\n');
            }
        }
        return sb.toString();
    }
}
