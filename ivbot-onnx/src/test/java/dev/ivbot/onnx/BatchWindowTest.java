package dev.ivbot.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.Language;
import dev.ivbot.spi.Classification;
import dev.ivbot.spi.ClassifierInput;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batch window ({@code maxWait}) holds a request for company only while every other worker is busy:
 * with a worker free, what arrives next is better run beside it than after it. A single worker still
 * gathers a batch.
 */
class BatchWindowTest {
    /** The longest window the builder allows: a request held for it is unmistakable. */
    private static final Duration WINDOW = Duration.ofMillis(100);

    private static ClassifierInput en(String text) {
        return new ClassifierInput(text, text, Language.EN);
    }

    private static OnnxIntentClassifier classifier(Path repo, int workers) throws Exception {
        FineTunedExportTest.writeExport(repo.resolve("intent/1"), TinyOnnx.tokenizer("hello", "leave", "salary"),
                FineTunedExportTest.LABELS);
        return OnnxIntentClassifier.builder().repository(repo).watch(false).pollInterval(Duration.ZERO)
                .workers(workers).maxWait(WINDOW).build();
    }

    @Test
    void aLoneRequestIsNotHeldForTheWindowWhileAnotherWorkerIsFree(@TempDir Path repo) throws Exception {
        try (OnnxIntentClassifier model = classifier(repo, 2)) {
            long fastest = Long.MAX_VALUE;
            for (int i = 0; i < 5; i++) {
                long start = System.nanoTime();
                // a new text each time: nothing of it is cached
                String text = "leave ".repeat(i + 1).strip();
                Classification c = model.classifyAsync(en(text), Runnable::run).get(30, TimeUnit.SECONDS);
                fastest = Math.min(fastest, System.nanoTime() - start);
                assertThat(c.top().intent()).isEqualTo("leave_policy");
            }
            // held for the window, every request would take at least 100 ms; the fastest of five is far below
            assertThat(Duration.ofNanos(fastest)).isLessThan(WINDOW.dividedBy(2));
        }
    }

    @Test
    void aSingleWorkerStillGathersWhatArrivesInTheWindow(@TempDir Path repo) throws Exception {
        try (OnnxIntentClassifier model = classifier(repo, 1)) {
            long before = model.metrics().batches();
            CompletableFuture<Classification> first = model.classifyAsync(en("leave"), Runnable::run);
            CompletableFuture<Classification> second = model.classifyAsync(en("salary"), Runnable::run);
            assertThat(first.get(30, TimeUnit.SECONDS).top().intent()).isEqualTo("leave_policy");
            assertThat(second.get(30, TimeUnit.SECONDS).top().intent()).isEqualTo("salary_structure");
            assertThat(model.metrics().batches() - before).as("ONNX runs for the two requests").isEqualTo(1);
        }
    }
}
