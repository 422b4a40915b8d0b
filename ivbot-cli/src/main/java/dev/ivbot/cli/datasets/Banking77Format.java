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
 * BANKING77 (Casanueva et al. 2020): a folder with {@code train.csv} and {@code test.csv}, rows
 * {@code text,category} with RFC 4180 quoting. No validation split, no out-of-scope lines.
 */
final class Banking77Format implements DatasetFormat {

    @Override
    public String name() {
        return "banking77";
    }

    @Override
    public Dataset read(Path folder) throws IOException {
        Map<String, List<String>> train = new LinkedHashMap<>();
        for (Dataset.Example e : readCsv(folder.resolve("train.csv"))) {
            train.computeIfAbsent(e.label(), k -> new ArrayList<>()).add(e.text());
        }
        return new Dataset("banking77", train, List.of(), readCsv(folder.resolve("test.csv")));
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
    private static List<String> parse(String line) {
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
