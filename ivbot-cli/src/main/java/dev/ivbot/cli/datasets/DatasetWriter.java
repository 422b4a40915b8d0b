package dev.ivbot.cli.datasets;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.ivbot.Language;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Writes a {@link Dataset} as a knowledge base (its train split: one intent per label, the
 * utterances as examples, an answer naming the intent) and evaluation files (validation as
 * {@code dev.jsonl}, test as {@code test.jsonl}, out-of-scope lines as {@code "oos"}).
 * Stateless and thread-safe (two writers must not share an output folder).
 */
public final class DatasetWriter {

    /** Intents per KB file, keeping each file far below the loader's size limit. */
    static final int INTENTS_PER_FILE = 20;

    private DatasetWriter() {}

    /** What was written. */
    public record Summary(int intents, int trainExamples, int validationLines, int testLines, Path kb, Path test,
            @Nullable Path dev) {}

    public static Summary write(Dataset dataset, Path out) throws IOException {
        Map<String, String> ids = intentIds(dataset.train().keySet());
        Path kbDir = out.resolve("kb");
        Path intentsDir = kbDir.resolve("intents");
        Files.createDirectories(intentsDir);
        ObjectMapper yaml = new ObjectMapper(YAMLFactory.builder()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).build());

        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("name", dataset.name());
        yaml.writeValue(kbDir.resolve("kb.yaml").toFile(), manifest);

        List<Map<String, Object>> chunk = new ArrayList<>();
        int file = 0;
        int examples = 0;
        for (Map.Entry<String, List<String>> label : dataset.train().entrySet()) {
            String id = ids.get(label.getKey());
            List<String> zh = new ArrayList<>();
            List<String> en = new ArrayList<>();
            for (String text : label.getValue()) {
                (Language.detect(text) == Language.ZH ? zh : en).add(text);
            }
            examples += label.getValue().size();
            Map<String, Object> intent = new LinkedHashMap<>();
            intent.put("id", id);
            intent.put("title", Map.of("zh", label.getKey(), "en", label.getKey()));
            Map<String, Object> ex = new LinkedHashMap<>();
            if (!zh.isEmpty()) {
                ex.put("zh", zh);
            }
            if (!en.isEmpty()) {
                ex.put("en", en);
            }
            intent.put("examples", ex);
            intent.put("answers", List.of(Map.of("zh", "意图：" + label.getKey(), "en", "Intent: " + label.getKey())));
            chunk.add(intent);
            if (chunk.size() == INTENTS_PER_FILE) {
                writeChunk(yaml, intentsDir, ++file, chunk);
                chunk = new ArrayList<>();
            }
        }
        if (!chunk.isEmpty()) {
            writeChunk(yaml, intentsDir, ++file, chunk);
        }
        Path test = out.resolve("test.jsonl");
        writeJsonl(test, dataset.test(), ids);
        Path dev = null;
        if (!dataset.validation().isEmpty()) {
            dev = out.resolve("dev.jsonl");
            writeJsonl(dev, dataset.validation(), ids);
        }
        return new Summary(ids.size(), examples, dataset.validation().size(), dataset.test().size(), kbDir, test, dev);
    }

    private static void writeChunk(ObjectMapper yaml, Path dir, int n, List<Map<String, Object>> intents)
            throws IOException {
        yaml.writeValue(dir.resolve(String.format(Locale.ROOT, "intents-%03d.yaml", n)).toFile(),
                Map.of("intents", intents));
    }

    private static void writeJsonl(Path file, List<Dataset.Example> lines, Map<String, String> ids) throws IOException {
        ObjectMapper json = new ObjectMapper();
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Dataset.Example e : lines) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("text", e.text());
                // a test label never seen in training keeps a derived id: it counts as an error, as it should
                line.put("intent", e.label().equals(Dataset.OUT_OF_SCOPE) ? Dataset.OUT_OF_SCOPE
                        : ids.getOrDefault(e.label(), toId(e.label())));
                line.put("lang", Language.detect(e.text()).code());
                w.write(json.writeValueAsString(line));
                w.write('\n');
            }
        }
    }

    /** Dataset labels as KB intent ids ({@code PlayMusic} -> {@code play_music}); refuses collisions. */
    static Map<String, String> intentIds(Iterable<String> labels) throws IOException {
        Map<String, String> ids = new LinkedHashMap<>();
        Map<String, String> taken = new HashMap<>();
        for (String label : labels) {
            String id = toId(label);
            String clash = taken.putIfAbsent(id, label);
            if (clash != null) {
                throw new IOException("labels '" + clash + "' and '" + label + "' both map to intent id '" + id + "'");
            }
            ids.put(label, id);
        }
        return ids;
    }

    static String toId(String label) {
        String snake = label.strip().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
        if (snake.isEmpty() || !Character.isLetter(snake.charAt(0))) {
            snake = "i_" + snake;
        }
        return snake.length() > 64 ? snake.substring(0, 64) : snake;
    }
}
