package dev.ivbot.cli.datasets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CAIS (Liu et al. 2019): a folder with {@code train/ch.train}, {@code valid/ch.valid},
 * {@code test/ch.test} (one character and its slot tag per line, a blank line between
 * utterances) and parallel {@code .intent} files (one label per utterance).
 */
final class CaisFormat implements DatasetFormat {

    @Override
    public String name() {
        return "cais";
    }

    @Override
    public Dataset read(Path folder) throws IOException {
        Map<String, List<String>> train = new LinkedHashMap<>();
        for (Dataset.Example e : split(folder, "train", "ch.train")) {
            train.computeIfAbsent(e.label(), k -> new ArrayList<>()).add(e.text());
        }
        return new Dataset("cais", train, split(folder, "valid", "ch.valid"), split(folder, "test", "ch.test"));
    }

    private static List<Dataset.Example> split(Path folder, String dir, String file) throws IOException {
        Path chars = folder.resolve(dir).resolve(file);
        List<String> labels = Files.readAllLines(folder.resolve(dir).resolve(file + ".intent"), StandardCharsets.UTF_8)
                .stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        List<String> utterances = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(chars, StandardCharsets.UTF_8)) {
            if (line.isEmpty()) {
                if (current.length() > 0) {
                    utterances.add(current.toString());
                    current.setLength(0);
                }
                continue;
            }
            // the token is everything before the last space: some tokens are a space themselves
            int cut = line.lastIndexOf(' ');
            current.append(cut < 0 ? line : line.substring(0, cut));
        }
        if (current.length() > 0) {
            utterances.add(current.toString());
        }
        if (utterances.size() != labels.size()) {
            throw new IOException(chars + ": " + utterances.size() + " utterances but " + labels.size()
                    + " intent labels in " + file + ".intent");
        }
        List<Dataset.Example> out = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            out.add(new Dataset.Example(utterances.get(i).strip(), labels.get(i)));
        }
        return out;
    }
}
