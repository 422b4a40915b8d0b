package dev.ivbot.cli;

import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.onnx.LabeledText;
import dev.ivbot.onnx.ModelRepository;
import dev.ivbot.onnx.ModelTrainer;
import dev.ivbot.onnx.TrainingReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./ivbot train}: a new model version from a KB. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a new model version from a KB into a model repository (a serving classifier that watches it picks it up behind the gate).")
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--kb", paramLabel = "DIR|FILE", description = "Knowledge base (default: the demo KB).")
    Path kb;

    @Option(names = "--out", paramLabel = "REPO", description = "Model repository (default: .ivbot/models/kb-<KB fingerprint>).")
    Path out;

    @Option(names = "--dev", paramLabel = "FILE", description = "Optional labelled JSONL used only to calibrate the out-of-scope threshold.")
    Path dev;

    @Option(names = "--if-missing", description = "Do nothing when the repository already holds a version (used by ./ivbot serve).")
    boolean ifMissing;

    @Override
    public Integer call() {
        EngineOptions options = new EngineOptions();
        options.kb = kb;
        KnowledgeBase knowledgeBase = options.loadKnowledgeBase();
        Path repository = out != null ? out : ModelRepository.toolRepository(knowledgeBase);
        if (ifMissing && ModelRepository.newest(repository, ModelRepository.DEFAULT_MODEL).isPresent()) {
            System.out.println("model repository " + repository + " already holds a version");
            return 0;
        }
        ModelTrainer.Builder trainer = ModelTrainer.builder().progress(System.out);
        if (dev != null) {
            trainer.devSet(LabeledText.readJsonl(dev));
        }
        long start = System.nanoTime();
        TrainingReport report = trainer.build().train(knowledgeBase, repository);
        System.out.println(report);
        System.out.printf("published %s in %.1f s%n", report.directory(), (System.nanoTime() - start) / 1e9);
        return 0;
    }
}
