package dev.ivbot.rules;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The background (out-of-scope) questions shipped with the module, read once. */
final class Background {
    private static final List<String> EXAMPLES = load();

    private Background() {}

    static List<String> examples() {
        return EXAMPLES;
    }

    private static List<String> load() {
        List<String> out = new ArrayList<>();
        for (String name : new String[] {"background-zh.txt", "background-en.txt"}) {
            try (InputStream in = Background.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + name);
                }
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                for (String line; (line = reader.readLine()) != null; ) {
                    line = line.strip();
                    if (!line.isEmpty() && !line.startsWith("#")) {
                        out.add(line);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return List.copyOf(out);
    }
}
