package dev.ivbot.onnx;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * What {@link ModelTrainer#train} produced and how the model did on its dev split (KB examples held
 * out of training, plus out-of-scope questions), scored with the KB's threshold and clarify margin
 * as the engine applies them.
 *
 * @param version the new version folder's name
 * @param directory the version folder
 * @param trainingExamples utterances the final head was trained on, augmentation included
 * @param dev per language ({@code "zh"}, {@code "en"}) the dev-split figures
 * @param elapsed wall time of the whole run
 *
 * <p>Immutable and thread-safe.
 */
public record TrainingReport(String version, Path directory, int trainingExamples, Map<String, DevMetrics> dev,
        Duration elapsed) {

    /**
     * @param accuracy in-scope dev lines answered with the right intent
     * @param oosRecall out-of-scope dev lines answered by the fallback
     * @param falseFallback in-scope dev lines answered by the fallback
     * @param macroF1 mean F1 over the intents
     * @param temperature the chosen softmax temperature
     * @param oosBias the chosen bias on the out-of-scope logit
     * @param inScope in-scope dev lines
     * @param outOfScope out-of-scope dev lines
     */
    public record DevMetrics(double accuracy, double oosRecall, double falseFallback, double macroF1,
            double temperature, double oosBias, int inScope, int outOfScope) {}

    /** One line per language, then a summary line of {@code key=value} pairs. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        dev.forEach((lang, m) -> sb.append(String.format(Locale.ROOT,
                "dev %s: accuracy=%.4f oos_recall=%.4f false_fallback=%.4f macro_f1=%.4f n=%d n_oos=%d "
                        + "temperature=%.2f oos_bias=%.2f%n",
                lang, m.accuracy, m.oosRecall, m.falseFallback, m.macroF1, m.inScope, m.outOfScope, m.temperature,
                m.oosBias)));
        sb.append(String.format(Locale.ROOT, "version=%s dir=%s examples=%d train_s=%.1f", version, directory,
                trainingExamples, elapsed.toMillis() / 1000.0));
        return sb.toString();
    }
}
