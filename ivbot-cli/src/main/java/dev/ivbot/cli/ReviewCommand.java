package dev.ivbot.cli;

import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.onnx.ModelRepository;
import dev.ivbot.onnx.OnnxIntentClassifier;
import dev.ivbot.redis.RedisReviewQueue;
import dev.ivbot.review.NewIntent;
import dev.ivbot.review.ReviewCluster;
import dev.ivbot.review.ReviewException;
import dev.ivbot.review.ReviewService;
import dev.ivbot.spi.ReviewQueue;
import io.lettuce.core.RedisURI;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./ivbot review}: the review queue's clusters in the terminal, one decision each. The same
 * {@link ReviewService} as the example app's review page; a server watching the KB folder retrains
 * on each accepted write.
 */
@Command(name = "review", mixinStandardHelpOptions = true,
        description = "Review missed questions: clusters of similar questions from the review queue, each with a "
                + "suggestion; accept 'add to intent X', create a new intent, or dismiss. Accepted actions edit the KB's YAML.")
final class ReviewCommand implements Callable<Integer> {

    @Option(names = "--kb", paramLabel = "DIR", description = "Knowledge base folder to edit (default: the demo KB).")
    Path kb;

    @Option(names = "--queue", paramLabel = "redis://HOST:PORT|FILE.jsonl", required = true,
            description = "The review queue: the servers' Redis (queue '" + RedisReviewQueue.DEFAULT_NAME + "'), "
                    + "or a JSON-lines file of review items or of {\"text\": ...} lines.")
    String queue;

    @Option(names = "--model-repo", paramLabel = "DIR",
            description = "Model repository whose encoder clusters (default: .ivbot/models/kb-<KB fingerprint>, trained on first use).")
    Path modelRepository;

    @Option(names = "--operator", paramLabel = "NAME", description = "Who is reviewing, for the audit log (default: the OS user).")
    String operator = System.getProperty("user.name", "operator");

    @Option(names = "--threshold", paramLabel = "D",
            description = "Clustering distance threshold for both languages (default: " + ReviewService.DEFAULT_DISTANCE_THRESHOLD
                    + " Chinese, " + ReviewService.DEFAULT_DISTANCE_THRESHOLD_EN + " English).")
    Double threshold;

    @Option(names = "--list", description = "Only print the clusters; change nothing.")
    boolean list;

    @Override
    public Integer call() throws Exception {
        EngineOptions options = new EngineOptions();
        options.kb = kb;
        Path folder = options.kbPath();
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("--kb must be a KB folder (the review writes its YAML files): " + folder);
        }
        KnowledgeBase knowledgeBase = KnowledgeBase.load(folder);
        Path repository = modelRepository != null ? modelRepository : ModelRepository.toolRepository(knowledgeBase);
        PrintStream out = System.out;
        try (ReviewQueue q = openQueue();
                OnnxIntentClassifier model = ClassifierSetup.model(knowledgeBase, repository, out)) {
            ReviewService.Builder builder = ReviewService.builder().knowledgeBase(folder).queue(q).embedder(model::embed)
                    .auditLog(folder.resolve(".review-audit.jsonl"));
            if (threshold != null) {
                builder.distanceThreshold(threshold);
            }
            ReviewService review = builder.build();
            List<ReviewCluster> clusters = review.clusters();
            out.printf("%d questions in the queue (%s), %d clusters%n", q.size(), q, clusters.size());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            int n = 0;
            for (ReviewCluster c : clusters) {
                n++;
                print(out, n, clusters.size(), c);
                if (list) {
                    continue;
                }
                if (!decide(review, c, in, out)) {
                    break;
                }
            }
        }
        return 0;
    }

    private ReviewQueue openQueue() {
        if (queue.startsWith("redis://") || queue.startsWith("rediss://") || queue.startsWith("redis-sentinel://")) {
            return RedisReviewQueue.create(RedisURI.create(queue));
        }
        return new JsonlReviewQueue(Path.of(queue));
    }

    static void print(PrintStream out, int n, int of, ReviewCluster c) {
        out.printf("%n[%d/%d] cluster %s: %d questions (%s)%n", n, of, c.id(), c.size(), c.language().code());
        c.representatives().forEach(r -> out.println("    " + r));
        if (c.suggestion() == ReviewCluster.Suggestion.ADD_TO_INTENT) {
            out.printf("  suggestion: add to intent %s (%.2f)%n", c.nearestIntent(), c.nearestScore());
        } else {
            out.printf("  suggestion: new intent (nearest %s, %.2f)%n", c.nearestIntent(), c.nearestScore());
        }
    }

    /** One decision; false when the operator quits. */
    private boolean decide(ReviewService review, ReviewCluster c, BufferedReader in, PrintStream out) throws Exception {
        while (true) {
            out.print("  [a]dd to " + (c.nearestIntent() == null ? "an intent" : c.nearestIntent())
                    + " / add to [o]ther intent / [n]ew intent / [d]ismiss / [s]kip / [q]uit? ");
            out.flush();
            String answer = in.readLine();
            if (answer == null) {
                return false;
            }
            try {
                switch (answer.trim().toLowerCase(Locale.ROOT)) {
                    case "a" -> {
                        if (c.nearestIntent() == null) {
                            out.println("  the KB has no intent in this language; use [o] or [n]");
                            continue;
                        }
                        report(out, review.addExamples(c.id(), c.nearestIntent(), operator));
                    }
                    case "o" -> report(out, review.addExamples(c.id(), ask(in, out, "intent id"), operator));
                    case "n" -> report(out, review.createIntent(c.id(), new NewIntent(ask(in, out, "new intent id"),
                            ask(in, out, "title zh"), ask(in, out, "title en"), ask(in, out, "answer zh"),
                            ask(in, out, "answer en")), operator));
                    case "d" -> report(out, review.dismiss(c.id(), operator));
                    case "s", "" -> { }
                    case "q" -> {
                        return false;
                    }
                    default -> {
                        continue;
                    }
                }
                return true;
            } catch (ReviewException | IllegalArgumentException e) {
                out.println("  not done: " + e.getMessage());
            }
        }
    }

    private static String ask(BufferedReader in, PrintStream out, String what) throws Exception {
        out.print("    " + what + ": ");
        out.flush();
        String line = in.readLine();
        if (line == null) {
            throw new IllegalArgumentException("input ended before the " + what);
        }
        return line.trim();
    }

    private static void report(PrintStream out, ReviewService.Action a) {
        if (a.file() == null) {
            out.printf("  %s: questions removed from the queue%n", a.action());
        } else {
            out.printf("  %s: %d examples of %s written to %s (a server watching the KB retrains)%n", a.action(),
                    a.examplesAdded(), a.intent(), a.file());
        }
    }
}
