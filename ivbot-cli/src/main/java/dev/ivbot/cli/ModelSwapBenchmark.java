package dev.ivbot.cli;

import dev.ivbot.Language;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.onnx.ModelEvent;
import dev.ivbot.onnx.ModelRepository;
import dev.ivbot.onnx.OnnxIntentClassifier;
import dev.ivbot.onnx.internal.Encoder;
import dev.ivbot.spi.ClassifierInput;
import dev.ivbot.internal.text.TextNormalizer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * {@code ./ivbot bench --scenario model-swaps}: publishes the KB's model version again and again
 * into a scratch repository and lets the serving classifier gate and swap each one in (as a KB
 * edit in a running server does), classifying between swaps; prints the ONNX Runtime sessions open
 * and the process's resident memory (after a GC) after the first swap and after the last, to show
 * that replaced versions leave nothing behind.
 *
 * <p>Not thread-safe; one run at a time.
 */
final class ModelSwapBenchmark {
    private ModelSwapBenchmark() {}

    static void run(KnowledgeBase kb, Path trainedRepository, int swaps, PrintStream out) throws IOException {
        Path version = ModelRepository.newest(trainedRepository, ModelRepository.DEFAULT_MODEL)
                .orElseThrow(() -> new IllegalStateException("no model version under " + trainedRepository));
        Path scratch = Files.createTempDirectory("ivbot-swap-bench");
        try {
            copy(version, scratch.resolve(ModelRepository.DEFAULT_MODEL).resolve("1"));
            int before = Encoder.openSessions();
            try (OnnxIntentClassifier c = OnnxIntentClassifier.builder().repository(scratch).knowledgeBase(kb)
                    .watch(false).pollInterval(Duration.ZERO).build()) {
                long rssFirst = 0;
                long heapFirst = 0;
                int sessionsFirst = 0;
                for (int v = 2; v <= swaps + 1; v++) {
                    copy(version, scratch.resolve(ModelRepository.DEFAULT_MODEL).resolve(Integer.toString(v)));
                    ModelEvent e = c.reload();
                    if (e.type() != ModelEvent.Type.LOADED) {
                        throw new IllegalStateException("swap " + (v - 1) + " was not loaded: " + e);
                    }
                    for (String q : new String[] {"年假有几天", "how many days of annual leave", "工资什么时候发"}) {
                        c.classify(new ClassifierInput(q, TextNormalizer.normalize(q), Language.detect(q)));
                    }
                    if (v % 10 == 1) {
                        out.printf("after %d swaps: rss_mb=%d%n", v - 1, residentMegabytes());
                    }
                    if (v == 2) {
                        rssFirst = residentMegabytes();
                        heapFirst = Runtime.getRuntime().totalMemory() >> 20;
                        sessionsFirst = Encoder.openSessions() - before;
                    }
                }
                long rssLast = residentMegabytes();
                out.printf("scenario=model-swaps swaps=%d onnx_sessions_after_first=%d onnx_sessions_after_last=%d "
                        + "rss_mb_after_first=%d rss_mb_after_last=%d heap_committed_mb_after_first=%d "
                        + "heap_committed_mb_after_last=%d%n", swaps, sessionsFirst, Encoder.openSessions() - before,
                        rssFirst, rssLast, heapFirst, Runtime.getRuntime().totalMemory() >> 20);
            }
        } finally {
            delete(scratch);
        }
    }

    private static long residentMegabytes() throws IOException {
        System.gc();
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }

    private static void copy(Path from, Path to) throws IOException {
        Path tmp = to.resolveSibling("." + to.getFileName() + "-copy");
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path target = tmp.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        Files.move(tmp, to, StandardCopyOption.ATOMIC_MOVE); // published whole, as the trainer does
    }

    private static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
