package dev.ivbot.cli.datasets;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Reads one public dataset layout. A new format is one small class added to {@link #ALL}.
 * Implementations are stateless and thread-safe.
 */
public interface DatasetFormat {

    List<DatasetFormat> ALL = List.of(new Clinc150Format(), new Banking77Format(), new CaisFormat());

    /** The name given to {@code --format}. */
    String name();

    /** Reads the dataset at {@code path} (a file or folder, as the format expects). */
    Dataset read(Path path) throws IOException;

    static Optional<DatasetFormat> named(String name) {
        return ALL.stream().filter(f -> f.name().equalsIgnoreCase(name)).findFirst();
    }
}
