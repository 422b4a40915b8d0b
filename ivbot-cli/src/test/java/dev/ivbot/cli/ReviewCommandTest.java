package dev.ivbot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.testkit.TestKnowledgeBases;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code ./ivbot review} over a queue file: a cluster becomes a new intent, the KB folder gains it, the audit log says who. */
class ReviewCommandTest extends CliTestSupport {

    @Test
    void aClusterBecomesANewIntent() throws Exception {
        Path folder = dir.resolve("kb");
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("kb.yaml"), TestKnowledgeBases.TINY_YAML);
        Path queue = dir.resolve("queue.jsonl");
        Files.writeString(queue, """
                {"text": "入职体检在哪家医院做"}
                {"text": "入职体检在哪个医院做"}
                {"text": "入职体检去哪家医院"}
                """);
        input("n\nmedical_exam\n入职体检\nMedical exam\n请在指定医院完成入职体检。\nPlease take the medical exam at a listed hospital.\n");
        int code = Main.run("review", "--kb", folder.toString(), "--queue", queue.toString(), "--model-repo",
                dir.resolve("models").toString(), "--operator", "alice");
        assertThat(code).as(output() + errors()).isZero();
        assertThat(output()).contains("cluster", "3 questions", "suggestion: new intent", "new-intent: 3 examples of medical_exam");
        KnowledgeBase kb = KnowledgeBase.load(folder);
        assertThat(kb.intent("medical_exam").orElseThrow().examplesZh()).hasSize(3);
        assertThat(Files.readString(queue)).isEmpty();
        assertThat(Files.readString(folder.resolve(".review-audit.jsonl"))).contains("\"actor\":\"alice\"", "new-intent");
    }
}
