package dev.ivbot.onnx.internal;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Multinomial logistic regression over a dense embedding and sparse lexical features, trained with
 * AdamW on mini-batches. Sparse columns are updated lazily (only those a mini-batch touches), which
 * keeps a step proportional to the non-zeros rather than the vocabulary.
 *
 * <p>Immutable after training and thread-safe for {@link #logits}.
 */
public final class LinearHead {

    /**
     * Training hyper-parameters. The lexical features (character and word n-grams) enter at a
     * quarter of the encoder's scale: chosen on eval/dev.jsonl among 0, 0.25, 0.5, 1 and 2
     * (5-example KBs of seeds 1-5, 10-example KBs of seeds 1-3, the demo KB; docs/evaluation.md).
     * At 1, a head trained on five examples leaned on the few words they contain.
     */
    public record Options(int epochs, int batchSize, double learningRate, double weightDecay, double denseScale,
            double sparseScale, long seed) {
        public static final Options DEFAULT = new Options(80, 32, 0.05, 1e-4, 1.0, 0.25, 42);
    }

    private final int classes;
    private final int dense;
    private final int sparse;
    /** [feature][class], dense features first, then sparse. */
    private final float[] w;
    private final float[] b;
    private final float denseScale;
    private final float sparseScale;

    private LinearHead(int classes, int dense, int sparse, float[] w, float[] b, float denseScale, float sparseScale) {
        this.classes = classes;
        this.dense = dense;
        this.sparse = sparse;
        this.w = w;
        this.b = b;
        this.denseScale = denseScale;
        this.sparseScale = sparseScale;
    }

    public int classes() {
        return classes;
    }

    public int denseSize() {
        return dense;
    }

    public double[] logits(float[] embedding, TextFeatures.Sparse features) {
        double[] z = new double[classes];
        for (int c = 0; c < classes; c++) {
            z[c] = b[c];
        }
        for (int f = 0; f < dense; f++) {
            double x = embedding[f] * denseScale;
            if (x == 0) {
                continue;
            }
            int off = f * classes;
            for (int c = 0; c < classes; c++) {
                z[c] += w[off + c] * x;
            }
        }
        int[] idx = features.index();
        float[] val = features.value();
        for (int k = 0; k < idx.length; k++) {
            double x = val[k] * sparseScale;
            int off = (dense + idx[k]) * classes;
            for (int c = 0; c < classes; c++) {
                z[c] += w[off + c] * x;
            }
        }
        return z;
    }

    /** Softmax of {@code z / temperature}, in place. */
    public static double[] softmax(double[] z, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int i = 0; i < z.length; i++) {
            z[i] = Math.exp((z[i] - max) / temperature);
            sum += z[i];
        }
        for (int i = 0; i < z.length; i++) {
            z[i] /= sum;
        }
        return z;
    }

    /**
     * Trains a head. The arithmetic is float throughout with the class index innermost, so that the
     * JIT turns the per-feature updates into SIMD instructions (training is most of a KB edit's
     * latency on 2 cores). Deterministic for {@code o.seed()}.
     *
     * @throws java.util.concurrent.CancellationException if the calling thread is interrupted
     *     (checked once an epoch: a closing lifecycle or a cancelled fold stops within one pass)
     */
    public static LinearHead train(List<float[]> embeddings, List<TextFeatures.Sparse> features, int[] labels,
            int classes, int sparseSize, Options o) {
        return train(embeddings, features, labels, classes, sparseSize, o, () -> {});
    }

    /**
     * Like {@link #train(List, List, int[], int, int, Options)}, calling {@code beforeEachStep} before
     * each mini-batch (a training beside a server gives way to turns there).
     */
    public static LinearHead train(List<float[]> embeddings, List<TextFeatures.Sparse> features, int[] labels,
            int classes, int sparseSize, Options o, Runnable beforeEachStep) {
        int n = labels.length;
        int dense = embeddings.get(0).length;
        int dim = dense + sparseSize;
        float[] w = new float[dim * classes];
        float[] b = new float[classes];
        float[] mw = new float[w.length];
        float[] vw = new float[w.length];
        float[] mb = new float[classes];
        float[] vb = new float[classes];
        float[] gw = new float[w.length];
        float[] gb = new float[classes];
        float[] p = new float[classes];
        boolean[] touched = new boolean[sparseSize];
        int[] touchedList = new int[sparseSize];
        int touchedCount = 0;
        float denseScale = (float) o.denseScale();
        float sparseScale = (float) o.sparseScale();
        Random random = new Random(o.seed());
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        double beta1 = 0.9;
        double beta2 = 0.999;
        double eps = 1e-8;
        int t = 0;
        for (int epoch = 0; epoch < o.epochs(); epoch++) {
            if (Thread.currentThread().isInterrupted()) {
                throw new java.util.concurrent.CancellationException("training interrupted");
            }
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int tmp = order[i];
                order[i] = order[j];
                order[j] = tmp;
            }
            for (int start = 0; start < n; start += o.batchSize()) {
                beforeEachStep.run();
                int end = Math.min(n, start + o.batchSize());
                Arrays.fill(gw, 0, dense * classes, 0f);
                Arrays.fill(gb, 0f);
                for (int k = 0; k < touchedCount; k++) {
                    int f = touchedList[k];
                    touched[f] = false;
                    Arrays.fill(gw, (dense + f) * classes, (dense + f + 1) * classes, 0f);
                }
                touchedCount = 0;
                float inv = 1f / (end - start);
                for (int k = start; k < end; k++) {
                    int i = order[k];
                    touchedCount = accumulate(embeddings.get(i), features.get(i), labels[i], inv, w, b, gw, gb, p,
                            dense, classes, denseScale, sparseScale, touched, touchedList, touchedCount);
                }
                t++;
                double lr = o.learningRate() * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
                double decay = o.learningRate() * o.weightDecay();
                adam(b, gb, mb, vb, 0, classes, lr, 0, beta1, beta2, eps);
                adam(w, gw, mw, vw, 0, dense * classes, lr, decay, beta1, beta2, eps);
                for (int k = 0; k < touchedCount; k++) {
                    int f = touchedList[k];
                    adam(w, gw, mw, vw, (dense + f) * classes, (dense + f + 1) * classes, lr, decay, beta1, beta2, eps);
                }
            }
        }
        return new LinearHead(classes, dense, sparseSize, w, b, denseScale, sparseScale);
    }

    /**
     * Adds one example's share of the batch gradient to {@code gw}/{@code gb} and records the sparse
     * columns it touches; returns the new count of touched columns. A method of its own so that the
     * JIT compiles it whole (the hot loop of training) rather than only as an on-stack replacement.
     */
    private static int accumulate(float[] e, TextFeatures.Sparse s, int label, float inv, float[] w, float[] b,
            float[] gw, float[] gb, float[] p, int dense, int classes, float denseScale, float sparseScale,
            boolean[] touched, int[] touchedList, int touchedCount) {
        int[] idx = s.index();
        float[] val = s.value();
        // forward: p = softmax(W x + b)
        System.arraycopy(b, 0, p, 0, classes);
        for (int f = 0; f < dense; f++) {
            float x = e[f] * denseScale;
            if (x != 0f) {
                axpy(p, w, f * classes, x, classes);
            }
        }
        for (int q = 0; q < idx.length; q++) {
            axpy(p, w, (dense + idx[q]) * classes, val[q] * sparseScale, classes);
        }
        softmaxInPlace(p);
        // backward: the gradient of the cross-entropy is p - onehot(label)
        p[label] -= 1f;
        for (int c = 0; c < classes; c++) {
            p[c] *= inv;
            gb[c] += p[c];
        }
        for (int f = 0; f < dense; f++) {
            float x = e[f] * denseScale;
            if (x != 0f) {
                axpyInto(gw, f * classes, p, x, classes);
            }
        }
        int count = touchedCount;
        for (int q = 0; q < idx.length; q++) {
            int f = idx[q];
            if (!touched[f]) {
                touched[f] = true;
                touchedList[count++] = f;
            }
            axpyInto(gw, (dense + f) * classes, p, val[q] * sparseScale, classes);
        }
        return count;
    }

    /** {@code z += x * w[off .. off + n)}: a loop the JIT vectorises. */
    private static void axpy(float[] z, float[] w, int off, float x, int n) {
        for (int c = 0; c < n; c++) {
            z[c] += w[off + c] * x;
        }
    }

    /** {@code g[off .. off + n) += x * p}: a loop the JIT vectorises. */
    private static void axpyInto(float[] g, int off, float[] p, float x, int n) {
        for (int c = 0; c < n; c++) {
            g[off + c] += p[c] * x;
        }
    }

    private static void softmaxInPlace(float[] z) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : z) {
            max = Math.max(max, v);
        }
        float sum = 0;
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) Math.exp(z[i] - max);
            sum += z[i];
        }
        for (int i = 0; i < z.length; i++) {
            z[i] /= sum;
        }
    }

    private static void adam(float[] p, float[] g, float[] m, float[] v, int from, int to, double lr, double decay,
            double beta1, double beta2, double eps) {
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float lrf = (float) lr;
        float decayf = (float) decay;
        float epsf = (float) eps;
        for (int i = from; i < to; i++) {
            float gi = g[i];
            float mi = b1 * m[i] + (1 - b1) * gi;
            float vi = b2 * v[i] + (1 - b2) * gi * gi;
            m[i] = mi;
            v[i] = vi;
            p[i] -= lrf * mi / ((float) Math.sqrt(vi) + epsf) + decayf * p[i];
        }
    }

    public void write(DataOutputStream out) throws IOException {
        out.writeInt(classes);
        out.writeInt(dense);
        out.writeInt(sparse);
        out.writeFloat(denseScale);
        out.writeFloat(sparseScale);
        for (float x : b) {
            out.writeFloat(x);
        }
        for (float x : w) {
            out.writeFloat(x);
        }
    }

    public static LinearHead read(DataInputStream in) throws IOException {
        int classes = in.readInt();
        int dense = in.readInt();
        int sparse = in.readInt();
        if (classes <= 0 || dense < 0 || sparse < 0 || (long) (dense + sparse) * classes > 200_000_000L) {
            throw new IOException("corrupt head: classes=" + classes + " dense=" + dense + " sparse=" + sparse);
        }
        float ds = in.readFloat();
        float ss = in.readFloat();
        float[] b = new float[classes];
        for (int i = 0; i < classes; i++) {
            b[i] = in.readFloat();
        }
        float[] w = new float[(dense + sparse) * classes];
        for (int i = 0; i < w.length; i++) {
            w[i] = in.readFloat();
        }
        return new LinearHead(classes, dense, sparse, w, b, ds, ss);
    }
}
