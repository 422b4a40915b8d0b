package dev.ivbot.onnx;

import dev.ivbot.kb.KnowledgeBase;
import java.nio.file.Files;
import java.nio.file.Path;

/** Manual experiment: java -cp ... dev.ivbot.onnx.TrainExperiment KB_DIR */
public class TrainExperiment {
    public static void main(String[] args) throws Exception {
        KnowledgeBase kb = KnowledgeBase.load(Path.of(args[0]));
        Path repo = Files.createTempDirectory("ivbot-train");
        ModelTrainer.Builder b = ModelTrainer.builder().progress(System.out);
        if (args.length > 1) b.epochs(Integer.parseInt(args[1]));
        if (args.length > 2) b.learningRate(Double.parseDouble(args[2]));
        if (args.length > 3) b.weightDecay(Double.parseDouble(args[3]));
        TrainingReport r = b.build().train(kb, repo);
    }
}
