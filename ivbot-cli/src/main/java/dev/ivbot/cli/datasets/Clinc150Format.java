package dev.ivbot.cli.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CLINC150 (Larson et al. 2019): {@code data_full.json} (or another setting's file, or the folder,
 * which means data_full.json), {@code {split: [[text, label], ...]}}. The out-of-scope training
 * lines are not used: ivbot learns in-scope intents only and detects out-of-scope by confidence.
 */
final class Clinc150Format implements DatasetFormat {

    @Override
    public String name() {
        return "clinc150";
    }

    @Override
    public Dataset read(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve("data_full.json") : path;
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        Map<String, List<String>> train = new LinkedHashMap<>();
        for (Dataset.Example e : split(root, "train")) {
            train.computeIfAbsent(e.label(), k -> new ArrayList<>()).add(e.text());
        }
        List<Dataset.Example> validation = split(root, "val");
        validation.addAll(split(root, "oos_val"));
        List<Dataset.Example> test = split(root, "test");
        test.addAll(split(root, "oos_test"));
        return new Dataset("clinc150 " + file.getFileName(), train, validation, test);
    }

    private static List<Dataset.Example> split(JsonNode root, String name) throws IOException {
        JsonNode lines = root.get(name);
        if (lines == null || !lines.isArray()) {
            throw new IOException("no '" + name + "' split: not a CLINC150 file");
        }
        List<Dataset.Example> out = new ArrayList<>();
        for (JsonNode line : lines) {
            String label = line.get(1).asText();
            out.add(new Dataset.Example(line.get(0).asText(), label.equals("oos") ? Dataset.OUT_OF_SCOPE : label));
        }
        return out;
    }
}
