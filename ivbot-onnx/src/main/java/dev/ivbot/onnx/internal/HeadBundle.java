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
    private static final int FORMAT = 1;

    private final List<String> classes;
    private final TextFeatures features;
    private final LinearHead head;
    private final double temperature;
    private final double oosBias;

    public HeadBundle(List<String> classes, TextFeatures features, LinearHead head, double temperature, double oosBias) {
        this.classes = List.copyOf(classes);
        this.features = features;
        this.head = head;
        this.temperature = temperature;
        this.oosBias = oosBias;
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

    public HeadBundle withCalibration(double temperature, double oosBias) {
        return new HeadBundle(classes, features, head, temperature, oosBias);
    }

    /** Raw logits before calibration. */
    public double[] logits(float[] embedding, String normalized) {
        return head.logits(embedding, features.vector(normalized));
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
        out.flush();
    }

    public static HeadBundle read(InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(stream, 1 << 16));
        if (in.readInt() != MAGIC) {
            throw new IOException("not an ivbot head file");
        }
        int format = in.readInt();
        if (format != FORMAT) {
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
        return new HeadBundle(classes, new TextFeatures(vocab, idf), head, temperature, oosBias);
    }
}
