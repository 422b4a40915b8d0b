package dev.ivbot.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ivbot.Language;
import dev.ivbot.spi.Classification;
import dev.ivbot.spi.ClassifierInput;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sequence-classification export (logits output + labels file) built by the test itself. */
class FineTunedExportTest {

    static final List<String> LABELS = List.of("greeting", "leave_policy", "salary_structure");

    /** hello -> greeting, leave -> leave_policy, salary -> salary_structure. */
    static void writeExport(Path dir, String tokenizerJson, List<String> labels) throws Exception {
        Files.createDirectories(dir);
        float[][] e = new float[8][3];
        e[4][0] = 1; // hello
        e[5][1] = 1; // leave
        e[6][2] = 1; // salary
        float[][] w = new float[3][labels.size()];
        for (int i = 0; i < 3 && i < labels.size(); i++) {
            w[i][i] = 12;
        }
        Files.write(dir.resolve("model.onnx"), TinyOnnx.model(e, w, new float[labels.size()]));
        Files.writeString(dir.resolve("tokenizer.json"), tokenizerJson, StandardCharsets.UTF_8);
        Files.write(dir.resolve("labels.txt"), labels, StandardCharsets.UTF_8);
    }

    private static ClassifierInput en(String text) {
        return new ClassifierInput(text, text.toLowerCase(), Language.EN);
    }

    @Test
    void servesAFineTunedExportWithItsLabels(@TempDir Path repo) throws Exception {
        writeExport(repo.resolve("intent/1"), TinyOnnx.tokenizer("hello", "leave", "salary", "weather"), LABELS);
        try (OnnxIntentClassifier c = OnnxIntentClassifier.builder().repository(repo).watch(false)
                .pollInterval(Duration.ZERO).build()) {
            Classification leave = c.classify(en("leave"));
            assertThat(leave.top().intent()).isEqualTo("leave_policy");
            assertThat(leave.top().score()).isGreaterThan(0.45);
            assertThat(c.classify(en("Salary")).top().intent()).isEqualTo("salary_structure");
            assertThat(c.classify(en("hello")).top().intent()).isEqualTo("greeting");
            // nothing known: all logits equal, every score far below the threshold
            assertThat(c.classify(en("weather")).top().score()).isLessThan(0.45);
            assertThat(c.version()).isEqualTo("intent/1");
        }
    }

    @Test
    void refusesATokenizerWhoseIdsTheModelCannotEmbed(@TempDir Path repo) throws Exception {
        // 12 words give ids up to 15; the embedding table has 8 rows
        writeExport(repo.resolve("intent/1"), TinyOnnx.tokenizer("hello", "leave", "salary", "a", "b", "c", "d",
                "e", "f", "g", "h", "i"), LABELS);
        assertThatThrownBy(() -> OnnxIntentClassifier.builder().repository(repo).watch(false)
                .pollInterval(Duration.ZERO).build())
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("tokenizer does not fit the model");
    }

    @Test
    void refusesLogitsThatDoNotMatchTheLabels(@TempDir Path repo) throws Exception {
        writeExport(repo.resolve("intent/1"), TinyOnnx.tokenizer("hello", "leave", "salary"), LABELS);
        Files.write(repo.resolve("intent/1/labels.txt"), List.of("greeting", "leave_policy"));
        assertThatThrownBy(() -> OnnxIntentClassifier.builder().repository(repo).watch(false)
                .pollInterval(Duration.ZERO).build())
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("outputs 3 logits but labels.txt has 2 labels");
    }

    @Test
    void builderNamesTheBadParameter() {
        assertThatThrownBy(() -> OnnxIntentClassifier.builder().maxBatchSize(0))
                .hasMessageContaining("maxBatchSize");
        assertThatThrownBy(() -> OnnxIntentClassifier.builder().maxWait(Duration.ofSeconds(1)))
                .hasMessageContaining("maxWait");
        assertThatThrownBy(() -> ModelTrainer.builder().devFraction(0.9)).hasMessageContaining("devFraction");
    }
}
