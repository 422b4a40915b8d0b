package dev.ivbot.cli.datasets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/**
 * BANKING77 (Casanueva et al. 2020): a folder with {@code train.csv} and {@code test.csv}, rows
 * {@code text,category} with RFC 4180 quoting. No out-of-scope lines. The dataset ships no
 * validation split, so one is carved from train: {@value #VALIDATION_PERCENT} % of each label's
 * lines (rounded, at least one), chosen by a shuffle with the fixed seed {@value #SEED}. Those lines
 * leave the KB, so the test split stays untouched by every choice made on validation.
 */
final class Banking77Format implements DatasetFormat {

    static final int VALIDATION_PERCENT = 10;
    static final long SEED = 77;

    @Override
    public String name() {
        return "banking77";
    }

    @Override
    public Dataset read(Path folder) throws IOException {
        Map<String, List<String>> all = new LinkedHashMap<>();
        for (Dataset.Example e : readCsv(folder.resolve("train.csv"))) {
            all.computeIfAbsent(e.label(), k -> new ArrayList<>()).add(e.text());
        }
        Map<String, List<String>> train = new LinkedHashMap<>();
        List<Dataset.Example> validation = new ArrayList<>();
        carveValidation(all, train, validation);
        return new Dataset("banking77", train, validation, readCsv(folder.resolve("test.csv")));
    }

    /** Moves {@value #VALIDATION_PERCENT} % of each label's lines (seeded shuffle) from {@code all} to validation. */
    static void carveValidation(Map<String, List<String>> all, Map<String, List<String>> train,
            List<Dataset.Example> validation) {
        for (Map.Entry<String, List<String>> label : all.entrySet()) {
            List<String> lines = label.getValue();
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                order.add(i);
            }
            // one Random per label, seeded by the label, so a label's split does not depend on the others
            Collections.shuffle(order, new Random(SEED * 31 + label.getKey().hashCode()));
            int n = lines.size() < 2 ? 0 : Math.max(1, Math.round(lines.size() * VALIDATION_PERCENT / 100f));
            boolean[] held = new boolean[lines.size()];
            for (int i : order.subList(0, n)) {
                held[i] = true;
            }
            List<String> kept = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) { // both parts keep the file order
                if (held[i]) {
                    validation.add(new Dataset.Example(lines.get(i), label.getKey()));
                } else {
                    kept.add(lines.get(i));
                }
            }
            train.put(label.getKey(), kept);
        }
    }

    static List<Dataset.Example> readCsv(Path file) throws IOException {
        List<Dataset.Example> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        StringBuilder pending = new StringBuilder();
        for (int i = 1; i < lines.size(); i++) { // line 1 is the header
            pending.append(pending.length() > 0 ? "\n" : "").append(lines.get(i));
            List<String> fields = parse(pending.toString());
            if (fields == null) {
                continue; // a quoted field spans lines
            }
            pending.setLength(0);
            if (fields.size() == 1 && fields.get(0).isBlank()) {
                continue;
            }
            if (fields.size() != 2) {
                throw new IOException(file + ":" + (i + 1) + ": expected 2 fields (text,category), found " + fields.size());
            }
            out.add(new Dataset.Example(fields.get(0), fields.get(1)));
        }
        return out;
    }

    /** Splits one CSV record; null if a quoted field is still open. */
    private static @Nullable List<String> parse(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            return null;
        }
        fields.add(field.toString());
        return fields;
    }
}
