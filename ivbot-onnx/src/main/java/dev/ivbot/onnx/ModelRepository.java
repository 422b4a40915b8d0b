package dev.ivbot.onnx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The layout of a model repository: {@code <repository>/<model>/<version>/}. Versions sort in
 * natural order ({@code 2} before {@code 10}); the newest is the last. Folders whose name starts with
 * a dot are work in progress (the trainer writes {@code .tmp-*} and renames it into place, which is
 * atomic) and are ignored.
 *
 * <p>Stateless and thread-safe.
 */
public final class ModelRepository {
    /** The model name used when none is given. */
    public static final String DEFAULT_MODEL = "intent";
    /** Where {@code ./ivbot train} writes and {@code --classifier onnx|hybrid} reads when no folder is given. */
    public static final Path DEFAULT_REPOSITORY = Path.of(".ivbot", "models");

    /** Orders version names naturally: digit runs by value, the rest by character. */
    public static final Comparator<String> VERSION_ORDER = ModelRepository::compareVersions;

    private ModelRepository() {}

    /**
     * A model's folder name: letters, digits, {@code _} and {@code -}, so that it names one folder
     * inside the repository and nothing else.
     *
     * @return {@code model}
     * @throws IllegalArgumentException naming the bad value
     */
    public static String checkModelName(String model) {
        java.util.Objects.requireNonNull(model, "model");
        if (!model.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("model must be letters, digits, '_' or '-', was '" + model + "'");
        }
        return model;
    }

    /**
     * The repository the tools use for one KB when none is given: {@code <base>/kb-<fingerprint>}, so
     * that an edited KB gets a model of its own and the CLI and the servlet app find the same one.
     */
    public static Path forKnowledgeBase(Path base, dev.ivbot.kb.KnowledgeBase knowledgeBase) {
        return base.resolve("kb-" + knowledgeBase.fingerprint());
    }

    /**
     * {@link #forKnowledgeBase} under {@code $IVBOT_HOME/.ivbot/models} (the working directory's
     * {@code .ivbot/models} without {@code IVBOT_HOME}): where {@code ./ivbot} trains a KB's model and
     * the example server looks for it.
     */
    public static Path toolRepository(dev.ivbot.kb.KnowledgeBase knowledgeBase) {
        String home = System.getenv("IVBOT_HOME");
        return forKnowledgeBase(home == null ? DEFAULT_REPOSITORY : Path.of(home).resolve(DEFAULT_REPOSITORY),
                knowledgeBase);
    }

    /** The version folders of a model, oldest first; empty when the folder does not exist. */
    public static List<Path> versions(Path repository, String model) {
        Path dir = repository.resolve(model);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> out = new ArrayList<>();
            s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith(".")).forEach(out::add);
            out.sort(Comparator.comparing(p -> p.getFileName().toString(), VERSION_ORDER));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    public static Optional<Path> newest(Path repository, String model) {
        List<Path> v = versions(repository, model);
        return v.isEmpty() ? Optional.empty() : Optional.of(v.get(v.size() - 1));
    }

    /** One more than the largest numeric version, {@code "1"} for an empty model. */
    public static String nextVersion(Path repository, String model) {
        long max = 0;
        for (Path p : versions(repository, model)) {
            try {
                max = Math.max(max, Long.parseLong(p.getFileName().toString()));
            } catch (NumberFormatException e) {
                // a hand-named version does not take part in numbering
            }
        }
        return Long.toString(max + 1);
    }

    static int compareVersions(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i);
            char cb = b.charAt(j);
            if (Character.isDigit(ca) && Character.isDigit(cb)) {
                int si = i;
                int sj = j;
                while (i < a.length() && Character.isDigit(a.charAt(i))) {
                    i++;
                }
                while (j < b.length() && Character.isDigit(b.charAt(j))) {
                    j++;
                }
                String na = a.substring(si, i).replaceFirst("^0+(?=.)", "");
                String nb = b.substring(sj, j).replaceFirst("^0+(?=.)", "");
                int c = na.length() != nb.length() ? Integer.compare(na.length(), nb.length()) : na.compareTo(nb);
                if (c != 0) {
                    return c;
                }
            } else {
                if (ca != cb) {
                    return Character.compare(ca, cb);
                }
                i++;
                j++;
            }
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
