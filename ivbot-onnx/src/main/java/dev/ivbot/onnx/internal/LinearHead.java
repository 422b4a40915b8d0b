package dev.ivbot.onnx.internal;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
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

    /** Training hyper-parameters. */
    public record Options(int epochs, int batchSize, double learningRate, double weightDecay, double denseScale,
            double sparseScale, long seed) {
        public static final Options DEFAULT = new Options(80, 32, 0.05, 1e-4, 1.0, 1.0, 42);
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

    public static LinearHead train(List<float[]> embeddings, List<TextFeatures.Sparse> features, int[] labels,
            int classes, int sparseSize, Options o) {
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
        boolean[] touched = new boolean[sparseSize];
        List<Integer> touchedList = new ArrayList<>();
        LinearHead head = new LinearHead(classes, dense, sparseSize, w, b, (float) o.denseScale(), (float) o.sparseScale());
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
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int tmp = order[i];
                order[i] = order[j];
                order[j] = tmp;
            }
            for (int start = 0; start < n; start += o.batchSize()) {
                int end = Math.min(n, start + o.batchSize());
                Arrays.fill(gw, 0, dense * classes, 0f);
                Arrays.fill(gb, 0f);
                for (int f : touchedList) {
                    touched[f] = false;
                    Arrays.fill(gw, (dense + f) * classes, (dense + f + 1) * classes, 0f);
                }
                touchedList.clear();
                float inv = 1f / (end - start);
                for (int k = start; k < end; k++) {
                    int i = order[k];
                    double[] p = softmax(head.logits(embeddings.get(i), features.get(i)), 1.0);
                    p[labels[i]] -= 1;
                    float[] e = embeddings.get(i);
                    for (int c = 0; c < classes; c++) {
                        gb[c] += (float) p[c] * inv;
                    }
                    for (int f = 0; f < dense; f++) {
                        float x = e[f] * head.denseScale * inv;
                        int off = f * classes;
                        for (int c = 0; c < classes; c++) {
                            gw[off + c] += (float) p[c] * x;
                        }
                    }
                    TextFeatures.Sparse s = features.get(i);
                    for (int q = 0; q < s.index().length; q++) {
                        int f = s.index()[q];
                        if (!touched[f]) {
                            touched[f] = true;
                            touchedList.add(f);
                        }
                        float x = s.value()[q] * head.sparseScale * inv;
                        int off = (dense + f) * classes;
                        for (int c = 0; c < classes; c++) {
                            gw[off + c] += (float) p[c] * x;
                        }
                    }
                }
                t++;
                double lr = o.learningRate() * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
                double decay = o.learningRate() * o.weightDecay();
                adam(b, gb, mb, vb, 0, classes, lr, 0, beta1, beta2, eps);
                adam(w, gw, mw, vw, 0, dense * classes, lr, decay, beta1, beta2, eps);
                for (int f : touchedList) {
                    adam(w, gw, mw, vw, (dense + f) * classes, (dense + f + 1) * classes, lr, decay, beta1, beta2, eps);
                }
            }
        }
        return head;
    }

    private static void adam(float[] p, float[] g, float[] m, float[] v, int from, int to, double lr, double decay,
            double beta1, double beta2, double eps) {
        for (int i = from; i < to; i++) {
            m[i] = (float) (beta1 * m[i] + (1 - beta1) * g[i]);
            v[i] = (float) (beta2 * v[i] + (1 - beta2) * g[i] * g[i]);
            p[i] -= (float) (lr * m[i] / (Math.sqrt(v[i]) + eps) + decay * p[i]);
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
