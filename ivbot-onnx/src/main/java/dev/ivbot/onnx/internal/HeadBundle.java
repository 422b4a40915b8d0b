package dev.ivbot.onnx.internal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trained head of one language: its lexical vocabulary, the linear weights, the classes (the
 * KB's intents, then {@link #OOS}) and the calibration (temperature and a bias on the
 * out-of-scope logit, both chosen on a dev split).
 *
 * <p>Immutable and thread-safe.
 */
public final class HeadBundle {
    public static final String OOS = "__oos__";
    private static final int MAGIC = 0x49564844; // "IVHD"
    /** Format 2 adds the anchors; format 1 files (no anchors) still load. */
    private static final int FORMAT = 2;

    private final List<String> classes;
    private final TextFeatures features;
    private final LinearHead head;
    private final double temperature;
    private final double oosBias;
    private final Anchors anchors;
    private final double anchorWeight;

    /**
     * Embeddings of the KB's own examples (unit length), each with its class: a question's cosine
     * similarity to the nearest example of each intent is added to that intent's logit, times the
     * anchor weight. With a handful of examples per intent the nearest example is a stronger signal
     * than a linear head fitted to them.
     */
    public record Anchors(float[][] vectors, int[] labels) {
        public static final Anchors NONE = new Anchors(new float[0][], new int[0]);

        public Anchors {
            if (vectors.length != labels.length) {
                throw new IllegalArgumentException(vectors.length + " anchors, " + labels.length + " labels");
            }
        }

        public boolean isEmpty() {
            return labels.length == 0;
        }
    }

    public HeadBundle(List<String> classes, TextFeatures features, LinearHead head, double temperature, double oosBias) {
        this(classes, features, head, temperature, oosBias, Anchors.NONE, 0);
    }

    public HeadBundle(List<String> classes, TextFeatures features, LinearHead head, double temperature, double oosBias,
            Anchors anchors, double anchorWeight) {
        this.classes = List.copyOf(classes);
        this.features = features;
        this.head = head;
        this.temperature = temperature;
        this.oosBias = oosBias;
        this.anchors = anchors;
        this.anchorWeight = anchorWeight;
    }

    public List<String> classes() {
        return classes;
    }

    public TextFeatures features() {
        return features;
    }

    public LinearHead head() {
        return head;
    }

    public double temperature() {
        return temperature;
    }

    public double oosBias() {
        return oosBias;
    }

    public double anchorWeight() {
        return anchorWeight;
    }

    public Anchors anchors() {
        return anchors;
    }

    public HeadBundle withCalibration(double temperature, double oosBias) {
        return new HeadBundle(classes, features, head, temperature, oosBias, anchors, anchorWeight);
    }

    public HeadBundle withAnchors(Anchors newAnchors, double weight) {
        return new HeadBundle(classes, features, head, temperature, oosBias, newAnchors, weight);
    }

    /** Raw logits before calibration: the head's, plus the weighted nearest-anchor similarities. */
    public double[] logits(float[] embedding, String normalized) {
        double[] z = headLogits(embedding, normalized);
        if (anchorWeight != 0 && !anchors.isEmpty()) {
            double[] sim = anchorSimilarities(embedding);
            for (int c = 0; c < z.length; c++) {
                z[c] += anchorWeight * sim[c];
            }
        }
        return z;
    }

    /** The linear head's logits alone. */
    public double[] headLogits(float[] embedding, String normalized) {
        return head.logits(embedding, features.vector(normalized));
    }

    /**
     * Per class, the cosine similarity of {@code embedding} (unit length) to its nearest anchor; 0
     * for a class without anchors (the out-of-scope class: its logit is what the others are
     * measured against).
     */
    public double[] anchorSimilarities(float[] embedding) {
        double[] best = new double[classes.size()];
        boolean[] seen = new boolean[classes.size()];
        float[][] v = anchors.vectors();
        int[] labels = anchors.labels();
        for (int i = 0; i < labels.length; i++) {
            float[] a = v[i];
            double dot = 0;
            for (int d = 0; d < a.length; d++) {
                dot += a[d] * embedding[d];
            }
            int c = labels[i];
            if (!seen[c] || dot > best[c]) {
                best[c] = dot;
                seen[c] = true;
            }
        }
        return best;
    }

    /** Calibrated probabilities over {@link #classes()} from raw logits. */
    public double[] probabilities(double[] logits, double temperature, double oosBias) {
        double[] z = logits.clone();
        int oos = classes.indexOf(OOS);
        if (oos >= 0) {
            z[oos] += oosBias;
        }
        return LinearHead.softmax(z, temperature);
    }

    public double[] probabilities(float[] embedding, String normalized) {
        return probabilities(logits(embedding, normalized), temperature, oosBias);
    }

    public void write(OutputStream stream) throws IOException {
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(stream, 1 << 16));
        out.writeInt(MAGIC);
        out.writeInt(FORMAT);
        out.writeInt(classes.size());
        for (String c : classes) {
            out.writeUTF(c);
        }
        out.writeDouble(temperature);
        out.writeDouble(oosBias);
        out.writeInt(features.size());
        float[] idf = features.idf();
        for (Map.Entry<String, Integer> e : features.vocabulary().entrySet()) {
            out.writeUTF(e.getKey());
            out.writeFloat(idf[e.getValue()]);
        }
        head.write(out);
        out.writeDouble(anchorWeight);
        out.writeInt(anchors.labels().length);
        int dim = anchors.isEmpty() ? 0 : anchors.vectors()[0].length;
        out.writeInt(dim);
        for (int i = 0; i < anchors.labels().length; i++) {
            out.writeInt(anchors.labels()[i]);
            for (float x : anchors.vectors()[i]) {
                out.writeFloat(x);
            }
        }
        out.flush();
    }

    public static HeadBundle read(InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(stream, 1 << 16));
        if (in.readInt() != MAGIC) {
            throw new IOException("not an ivbot head file");
        }
        int format = in.readInt();
        if (format != 1 && format != FORMAT) {
            throw new IOException("head format " + format + " is not supported (expected " + FORMAT + ")");
        }
        int n = in.readInt();
        if (n <= 0 || n > 100_000) {
            throw new IOException("corrupt head: " + n + " classes");
        }
        List<String> classes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            classes.add(in.readUTF());
        }
        double temperature = in.readDouble();
        double oosBias = in.readDouble();
        int v = in.readInt();
        if (v < 0 || v > 50_000_000) {
            throw new IOException("corrupt head: vocabulary of " + v);
        }
        Map<String, Integer> vocab = new LinkedHashMap<>(v * 2);
        float[] idf = new float[v];
        for (int i = 0; i < v; i++) {
            vocab.put(in.readUTF(), i);
            idf[i] = in.readFloat();
        }
        LinearHead head = LinearHead.read(in);
        if (head.classes() != n) {
            throw new IOException("corrupt head: " + head.classes() + " weight rows for " + n + " classes");
        }
        if (!(temperature > 0)) {
            throw new IOException("corrupt head: temperature " + temperature);
        }
        Anchors anchors = Anchors.NONE;
        double anchorWeight = 0;
        if (format >= 2) {
            anchorWeight = in.readDouble();
            int count = in.readInt();
            int dim = in.readInt();
            if (count < 0 || dim < 0 || (long) count * dim > 100_000_000L) {
                throw new IOException("corrupt head: " + count + " anchors of " + dim + " dimensions");
            }
            float[][] vectors = new float[count][dim];
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = in.readInt();
                if (labels[i] < 0 || labels[i] >= n) {
                    throw new IOException("corrupt head: anchor class " + labels[i]);
                }
                for (int d = 0; d < dim; d++) {
                    vectors[i][d] = in.readFloat();
                }
            }
            anchors = new Anchors(vectors, labels);
        }
        return new HeadBundle(classes, new TextFeatures(vocab, idf), head, temperature, oosBias, anchors, anchorWeight);
    }
}
