package dev.ivbot.rules.internal;

import java.util.Random;

/**
 * Multinomial logistic regression on binary sparse features, trained with AdaGrad and L2. Small
 * and deterministic (fixed seed), so the same KB always gives the same weights.
 */
public final class SoftmaxTrainer {
    private SoftmaxTrainer() {}

    /**
     * @param examples feature ids per example
     * @param labels class per example
     * @return weights[feature * classes + class], then the bias in the last {@code classes} entries
     */
    public static float[] train(int[][] examples, int[] labels, int features, int classes, int epochs, double l2,
            double learningRate) {
        float[] w = new float[(features + 1) * classes];
        float[] g2 = new float[w.length];
        int biasBase = features * classes;
        int[] order = new int[examples.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Random random = new Random(42);
        double[] logits = new double[classes];
        for (int epoch = 0; epoch < epochs; epoch++) {
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int e : order) {
                int[] x = examples[e];
                for (int c = 0; c < classes; c++) {
                    double z = w[biasBase + c];
                    for (int f : x) {
                        z += w[f * classes + c];
                    }
                    logits[c] = z;
                }
                softmaxInPlace(logits);
                for (int c = 0; c < classes; c++) {
                    double grad = logits[c] - (labels[e] == c ? 1 : 0);
                    for (int f : x) {
                        int k = f * classes + c;
                        double gk = grad + l2 * w[k];
                        g2[k] += (float) (gk * gk);
                        w[k] -= (float) (learningRate * gk / (Math.sqrt(g2[k]) + 1e-8));
                    }
                    int b = biasBase + c;
                    g2[b] += (float) (grad * grad);
                    w[b] -= (float) (learningRate * grad / (Math.sqrt(g2[b]) + 1e-8));
                }
            }
        }
        return w;
    }

    public static void softmaxInPlace(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int i = 0; i < z.length; i++) {
            z[i] = Math.exp(z[i] - max);
            sum += z[i];
        }
        for (int i = 0; i < z.length; i++) {
            z[i] /= sum;
        }
    }
}
