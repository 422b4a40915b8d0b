package dev.ivbot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.kb.KnowledgeBaseException;
import dev.ivbot.testkit.KeywordClassifier;
import dev.ivbot.testkit.TestKnowledgeBases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnowledgeBaseWatcherTest {

    @Test
    void anEditGoesLiveAndABrokenEditIsRefusedWithTheOldKbStillServing(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("kb.yaml");
        Files.writeString(file, TestKnowledgeBases.TINY_YAML);
        List<KnowledgeBaseException> errors = new ArrayList<>();
        try (DialogEngine engine = DialogEngine.builder().knowledgeBase(KnowledgeBase.load(dir))
                .primaryClassifier(KeywordClassifier.forTinyKb()).build();
                KnowledgeBaseWatcher watcher = KnowledgeBaseWatcher.manual(engine, dir, errors::add)) {
            assertThat(watcher.checkNow()).isFalse();

            write(file, TestKnowledgeBases.TINY_YAML.replace("年假每年15天。", "年假每年18天。"), 1);
            assertThat(watcher.checkNow()).isTrue();
            assertThat(engine.chat(ChatRequest.of("u", "s1", "年假有几天")).text()).isEqualTo("年假每年18天。");

            write(file, TestKnowledgeBases.TINY_YAML.replace("slots: [track]", "slots: [trak]"), 2);
            assertThat(watcher.checkNow()).isFalse();
            assertThat(errors).singleElement().extracting(Throwable::getMessage).asString()
                    .contains("kb.yaml:").contains("unknown slot 'trak'");
            assertThat(engine.chat(ChatRequest.of("u", "s2", "年假有几天")).text()).isEqualTo("年假每年18天。");
        }
    }

    private static void write(Path file, String text, int generation) throws Exception {
        Files.writeString(file, text);
        // distinct modification times without sleeping
        Files.setLastModifiedTime(file, FileTime.fromMillis(1_700_000_000_000L + generation * 1000L));
    }
}
