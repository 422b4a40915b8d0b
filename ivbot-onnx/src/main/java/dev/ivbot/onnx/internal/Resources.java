package dev.ivbot.onnx.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads model files named in a manifest: {@code classpath:NAME} or a path relative to the version folder. */
public final class Resources {
    public static final String CLASSPATH = "classpath:";

    private Resources() {}

    public static byte[] read(String reference, Path base) throws IOException {
        if (reference.startsWith(CLASSPATH)) {
            String name = reference.substring(CLASSPATH.length());
            try (InputStream in = Resources.class.getClassLoader().getResourceAsStream(name)) {
                if (in == null) {
                    throw new IOException("'" + name + "' is not on the classpath (add the jar that ships it)");
                }
                return in.readAllBytes();
            }
        }
        Path file = base.resolve(reference).normalize();
        if (!file.startsWith(base.normalize())) {
            throw new IOException("'" + reference + "' points outside the version folder");
        }
        return Files.readAllBytes(file);
    }

    /** Non-blank lines of a bundled text resource, '#' comments skipped. */
    public static List<String> lines(String name) {
        try (InputStream in = Resources.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            List<String> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String t = line.strip();
                if (!t.isEmpty() && !t.startsWith("#")) {
                    out.add(t);
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
