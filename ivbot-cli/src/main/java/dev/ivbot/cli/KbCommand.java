package dev.ivbot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.kb.lint.KbLinter;
import dev.ivbot.kb.lint.LintFinding;
import dev.ivbot.kb.lint.LintReport;
import dev.ivbot.onnx.OnnxCrossValidator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./ivbot kb ...}: tools over KB folders. */
@Command(name = "kb", mixinStandardHelpOptions = true, description = "Tools over knowledge bases.",
        subcommands = {KbCommand.Sample.class, KbCommand.Lint.class})
final class KbCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /**
     * {@code ./ivbot kb sample}: a day-one KB cut from a full one, the way the few-shot protocol
     * measures a new customer's KB: K examples per language per intent drawn at random, optionally
     * without any {@code rules:} block. Each (intent, language) draws from its own generator seeded
     * by the seed and the intent id, so a draw does not depend on file or intent order.
     */
    @Command(name = "sample", mixinStandardHelpOptions = true,
            description = "Write a copy of a KB with K random examples per language per intent (the few-shot protocol).")
    static final class Sample implements Callable<Integer> {
        @Option(names = "--kb", paramLabel = "DIR", description = "KB folder to sample (default: the demo KB).")
        Path kb;

        @Option(names = "--shots", required = true, paramLabel = "K", description = "Examples kept per language per intent.")
        int shots;

        @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Random seed (default ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--no-rules", description = "Remove every intent's rules: block.")
        boolean noRules;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to write (must not exist or be empty).")
        Path out;

        @Override
        public Integer call() throws IOException {
            if (shots < 1) {
                throw new IllegalArgumentException("--shots must be at least 1, was " + shots);
            }
            EngineOptions options = new EngineOptions();
            options.kb = kb;
            Path source = options.kbPath();
            if (!Files.isDirectory(source)) {
                throw new IllegalArgumentException("--kb must be a KB folder: " + source);
            }
            if (Files.exists(out) && (!Files.isDirectory(out) || hasEntries(out))) {
                throw new IllegalArgumentException("--out exists and is not an empty folder: " + out);
            }
            write(source, out, shots, seed, noRules);
            KnowledgeBase sampled = KnowledgeBase.load(out);
            System.out.printf("wrote %s: %d intents, at most %d examples per language each%s (seed %d)%n", out,
                    sampled.intents().size(), shots, noRules ? ", no rules" : "", seed);
            return 0;
        }
    }

    /**
     * {@code ./ivbot kb lint}: the faults of a KB, each with its file and line ({@link KbLinter});
     * exit code 1 when there is an error, 0 when there are warnings only.
     */
    @Command(name = "lint", mixinStandardHelpOptions = true,
            description = {"Check a KB for duplicate and confusable examples, thin intents, slot values without an answer, "
                    + "missing translations and answers that can never be chosen.",
                    "Exit code 1 on errors, 0 on warnings only. See docs/kb-format.md#kb-lint."})
    static final class Lint implements Callable<Integer> {
        @Option(names = "--kb", paramLabel = "DIR", description = "KB folder or file to check (default: the demo KB).")
        Path kb;

        @Option(names = "--min-examples", paramLabel = "N", defaultValue = "" + KbLinter.DEFAULT_MIN_EXAMPLES,
                description = "Fewer examples than this in a language make an intent thin (default ${DEFAULT-VALUE}).")
        int minExamples;

        @Option(names = "--no-model", description = "Skip the confusable-intents check (it embeds every example and trains 5 fold heads: about a minute on 2 cores).")
        boolean noModel;

        @Option(names = "--json", description = "Print the findings as one JSON object.")
        boolean json;

        @Override
        public Integer call() throws IOException {
            EngineOptions options = new EngineOptions();
            options.kb = kb;
            Path source = options.kbPath();
            KbLinter linter = KbLinter.builder().minExamples(minExamples)
                    .crossValidator(noModel ? null : OnnxCrossValidator.builder().progress(System.err).build()).build();
            long start = System.nanoTime();
            LintReport report = linter.lint(source);
            double seconds = (System.nanoTime() - start) / 1e9;
            Path base = Files.isDirectory(source) ? source : source.getParent() == null ? Path.of("") : source.getParent();
            if (json) {
                ObjectMapper mapper = new ObjectMapper();
                ObjectNode root = mapper.createObjectNode();
                root.put("kb", source.toString()).put("errors", report.errors().size())
                        .put("warnings", report.warnings().size());
                ArrayNode findings = root.putArray("findings");
                for (LintFinding f : report.findings()) {
                    findings.addObject().put("severity", f.severity().name().toLowerCase(java.util.Locale.ROOT))
                            .put("code", f.code()).put("file", base.resolve(f.file()).toString()).put("line", f.line())
                            .put("message", f.message());
                }
                ArrayNode skipped = root.putArray("skipped");
                report.skipped().forEach(skipped::add);
                System.out.println(mapper.writeValueAsString(root));
            } else {
                for (LintFinding f : report.findings()) {
                    System.out.println(new LintFinding(f.severity(), f.code(), f.message(),
                            base.resolve(f.file()).toString(), f.line()));
                }
                for (String s : report.skipped()) {
                    System.out.println("skipped " + s);
                }
                System.out.printf(java.util.Locale.ROOT, "%s: %d error%s, %d warning%s (%.1f s)%n", source,
                        report.errors().size(), report.errors().size() == 1 ? "" : "s", report.warnings().size(),
                        report.warnings().size() == 1 ? "" : "s", seconds);
            }
            return report.hasErrors() ? 1 : 0;
        }
    }

    private static boolean hasEntries(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isPresent();
        }
    }

    /** Copies {@code source} to {@code target}, cutting each intent's examples (package-private for tests). */
    static void write(Path source, Path target, int shots, long seed, boolean noRules) throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
        List<Path> files;
        try (Stream<Path> s = Files.walk(source)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
            Path to = target.resolve(source.relativize(file).toString());
            Files.createDirectories(to.getParent());
            String name = file.getFileName().toString();
            JsonNode tree = name.endsWith(".yaml") || name.endsWith(".yml") ? yaml.readTree(file.toFile()) : null;
            if (tree == null || !tree.has("intents")) {
                Files.copy(file, to);
                continue;
            }
            for (JsonNode intent : tree.get("intents")) {
                if (intent instanceof ObjectNode o) {
                    cut(o, shots, seed, noRules);
                }
            }
            try {
                yaml.writerWithDefaultPrettyPrinter().writeValue(to.toFile(), tree);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + to, e);
            }
        }
    }

    private static void cut(ObjectNode intent, int shots, long seed, boolean noRules) {
        if (noRules) {
            intent.remove("rules");
        }
        JsonNode examples = intent.get("examples");
        if (!(examples instanceof ObjectNode byLanguage)) {
            return;
        }
        String id = intent.path("id").asText();
        for (Iterator<Map.Entry<String, JsonNode>> it = byLanguage.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!(e.getValue() instanceof ArrayNode list) || list.size() <= shots) {
                continue;
            }
            List<Integer> kept = FewShotDraw.indices(list.size(), shots, seed, id + "/" + e.getKey());
            ArrayNode cutList = list.arrayNode();
            for (int i : kept) {
                cutList.add(list.get(i));
            }
            e.setValue(cutList);
        }
    }
}
