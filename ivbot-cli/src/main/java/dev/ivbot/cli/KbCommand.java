package dev.ivbot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.ivbot.kb.KnowledgeBase;
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
        subcommands = KbCommand.Sample.class)
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
