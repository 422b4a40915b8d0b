package dev.ivbot.cli.datasets;

import java.util.List;
import java.util.Map;

/**
 * A labelled intent dataset split into train, validation and test.
 *
 * @param name the dataset's name, used as the KB name
 * @param train label to its training utterances, in file order
 * @param validation labelled validation lines ("oos" for out-of-scope); may be empty
 * @param test labelled test lines ("oos" for out-of-scope)
 *
 * <p>Not copied defensively: treat as immutable once read; thread-safe as such.
 */
public record Dataset(String name, Map<String, List<String>> train, List<Example> validation, List<Example> test) {

    /** The label of an out-of-scope line, as in shared/design/evaluation.md. */
    public static final String OUT_OF_SCOPE = "oos";

    /** One labelled line. */
    public record Example(String text, String label) {}
}
