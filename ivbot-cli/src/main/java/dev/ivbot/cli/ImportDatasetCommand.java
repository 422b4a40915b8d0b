package dev.ivbot.cli;

import dev.ivbot.cli.datasets.Dataset;
import dev.ivbot.cli.datasets.DatasetFormat;
import dev.ivbot.cli.datasets.DatasetWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./ivbot import-dataset}: a public intent dataset as a KB and evaluation files. */
@Command(name = "import-dataset", mixinStandardHelpOptions = true,
        description = "Turn a public intent dataset into a KB (train split) and eval files (dev.jsonl from validation, test.jsonl).")
final class ImportDatasetCommand implements Callable<Integer> {

    @Option(names = "--format", required = true, paramLabel = "NAME", description = "clinc150, banking77 or cais.")
    String format;

    @Option(names = "--in", required = true, paramLabel = "PATH", description = "The dataset's file or folder.")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write kb/, test.jsonl, dev.jsonl.")
    Path out;

    @Option(names = "--shots", defaultValue = "0", paramLabel = "K",
            description = "Keep K training examples per intent, drawn at random (the few-shot protocol); 0 keeps all (default).")
    int shots;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed of the --shots draw (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (shots < 0) {
            throw new IllegalArgumentException("--shots must be 0 (all) or more, was " + shots);
        }
        DatasetFormat reader = DatasetFormat.named(format).orElseThrow(() -> new IllegalArgumentException(
                "--format must be one of " + DatasetFormat.ALL.stream().map(DatasetFormat::name)
                        .collect(Collectors.joining(", ")) + ", was '" + format + "'"));
        Dataset dataset = reader.read(in);
        if (shots > 0) {
            dataset = fewShot(dataset, shots, seed);
        }
        DatasetWriter.Summary s = DatasetWriter.write(dataset, out);
        System.out.printf("%s: %d intents, %d training examples -> %s; %d validation lines -> %s; %d test lines -> %s%n",
                dataset.name(), s.intents(), s.trainExamples(), s.kb(), s.validationLines(),
                s.dev() == null ? "(none)" : s.dev(), s.testLines(), s.test());
        return 0;
    }

    /** The dataset with K training examples per label; validation and test untouched. */
    static Dataset fewShot(Dataset dataset, int shots, long seed) {
        Map<String, List<String>> train = new LinkedHashMap<>();
        dataset.train().forEach((label, examples) -> train.put(label, FewShotDraw.draw(examples, shots, seed, label)));
        return new Dataset(dataset.name() + " (" + shots + "-shot, seed " + seed + ")", train, dataset.validation(),
                dataset.test());
    }
}
