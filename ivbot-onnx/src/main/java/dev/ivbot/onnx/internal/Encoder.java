package dev.ivbot.onnx.internal;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One ONNX session and its tokenizer. Runs a batch of texts and returns either pooled, L2-normalised
 * sentence embeddings (an encoder whose output is [batch, tokens, hidden]) or raw logits (a
 * sequence-classification export whose output is [batch, classes]).
 *
 * <p>Thread-safe: ONNX Runtime allows concurrent {@code run} calls on one session, and the HF
 * tokenizer is a stateless native object.
 */
public final class Encoder implements AutoCloseable {

    public enum Pooling { CLS, MEAN }

    private static final Set<String> KNOWN_INPUTS = Set.of("input_ids", "attention_mask", "token_type_ids");
    /** Native sessions open in this JVM, so that tests and benchmarks can see a leak. */
    private static final java.util.concurrent.atomic.AtomicInteger OPEN = new java.util.concurrent.atomic.AtomicInteger();

    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private final OrtEnvironment env;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final Pooling pooling;
    private final int maxTokens;
    private final boolean wantsMask;
    private final boolean wantsTypeIds;
    private final String outputName;
    private final boolean logits;
    private final int width;

    /**
     * @throws IllegalArgumentException with a reason an operator can act on when the model and the
     *     tokenizer do not fit each other
     */
    public Encoder(byte[] onnx, byte[] tokenizerJson, Pooling pooling, int maxTokens, int intraOpThreads)
            throws OrtException, IOException {
        this.env = OrtEnvironment.getEnvironment();
        this.pooling = pooling;
        this.maxTokens = maxTokens;
        OrtSession s;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            s = env.createSession(onnx, options);
        }
        this.session = s;
        HuggingFaceTokenizer t = null;
        try {
            Set<String> inputs = session.getInputNames();
            if (!inputs.contains("input_ids")) {
                throw new IllegalArgumentException("the ONNX model has no input named input_ids (inputs: " + inputs + ")");
            }
            for (String name : inputs) {
                if (!KNOWN_INPUTS.contains(name)) {
                    throw new IllegalArgumentException("the ONNX model needs input '" + name
                            + "', which a tokenizer does not provide (expected a subset of " + KNOWN_INPUTS + ")");
                }
            }
            this.wantsMask = inputs.contains("attention_mask");
            this.wantsTypeIds = inputs.contains("token_type_ids");
            Map.Entry<String, NodeInfo> out = session.getOutputInfo().entrySet().iterator().next();
            this.outputName = out.getKey();
            if (!(out.getValue().getInfo() instanceof TensorInfo info)) {
                throw new IllegalArgumentException("the ONNX model's first output '" + outputName + "' is not a tensor");
            }
            long[] shape = info.getShape();
            if (shape.length == 3) {
                logits = false;
            } else if (shape.length == 2) {
                logits = true;
            } else {
                throw new IllegalArgumentException("the ONNX model's first output '" + outputName + "' has rank "
                        + shape.length + "; expected [batch, tokens, hidden] or [batch, classes]");
            }
            t = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(tokenizerJson), Map.of(
                    "addSpecialTokens", "true", "truncation", "true", "padding", "false",
                    "maxLength", Integer.toString(maxTokens)));
            this.tokenizer = t;
            // a token id beyond the embedding table makes Gather fail: probe the largest id the
            // tokenizer can produce so that a mismatched pair is refused at load, not per request
            long maxId = maxTokenId(tokenizerJson);
            float[][] probe;
            try {
                probe = run(new long[][] {{0, maxId}});
            } catch (OrtException e) {
                throw new IllegalArgumentException("the tokenizer does not fit the model: token id " + maxId
                        + " (the tokenizer's largest) fails in the model: " + firstLine(e.getMessage()), e);
            }
            this.width = probe[0].length;
            OPEN.incrementAndGet();
        } catch (RuntimeException | OrtException | IOException e) {
            if (t != null) {
                t.close();
            }
            session.close();
            throw e;
        }
    }

    /** True for a sequence-classification export (the output is logits, not token states). */
    public boolean producesLogits() {
        return logits;
    }

    /** Embedding size, or number of logits. */
    public int width() {
        return width;
    }

    /** Embeddings (L2-normalised) or logits, one row per text, in input order. */
    public float[][] embed(List<String> texts) throws OrtException {
        Encoding[] encodings = tokenizer.batchEncode(texts);
        long[][] ids = new long[encodings.length][];
        for (int i = 0; i < encodings.length; i++) {
            ids[i] = encodings[i].getIds();
        }
        return run(ids);
    }

    /** Token count of a text, used to batch similar lengths together. */
    public int tokenCount(String text) {
        return tokenizer.encode(text).getIds().length;
    }

    private float[][] run(long[][] ids) throws OrtException {
        int batch = ids.length;
        int len = 1;
        for (long[] row : ids) {
            len = Math.max(len, Math.min(row.length, maxTokens));
        }
        long[] flatIds = new long[batch * len];
        long[] mask = new long[batch * len];
        for (int i = 0; i < batch; i++) {
            int n = Math.min(ids[i].length, len);
            System.arraycopy(ids[i], 0, flatIds, i * len, n);
            for (int j = 0; j < n; j++) {
                mask[i * len + j] = 1;
            }
        }
        long[] shape = {batch, len};
        Map<String, OnnxTensor> inputs = new HashMap<>(4);
        try {
            inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(flatIds), shape));
            if (wantsMask) {
                inputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
            }
            if (wantsTypeIds) {
                inputs.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[batch * len]), shape));
            }
            try (OrtSession.Result result = session.run(inputs, Set.of(outputName))) {
                OnnxValue value = result.get(0);
                OnnxTensor tensor = (OnnxTensor) value;
                long[] outShape = tensor.getInfo().getShape();
                FloatBuffer fb = tensor.getFloatBuffer();
                if (outShape.length == 2) {
                    int classes = (int) outShape[1];
                    float[][] out = new float[batch][classes];
                    for (int i = 0; i < batch; i++) {
                        fb.get(out[i]);
                    }
                    return out;
                }
                int tokens = (int) outShape[1];
                int hidden = (int) outShape[2];
                float[][] out = new float[batch][hidden];
                for (int i = 0; i < batch; i++) {
                    int base = i * tokens * hidden;
                    if (pooling == Pooling.CLS) {
                        fb.get(base, out[i], 0, hidden);
                    } else {
                        int n = 0;
                        for (int j = 0; j < tokens; j++) {
                            if (mask[i * len + j] == 0) {
                                continue;
                            }
                            n++;
                            int off = base + j * hidden;
                            for (int k = 0; k < hidden; k++) {
                                out[i][k] += fb.get(off + k);
                            }
                        }
                        for (int k = 0; k < hidden; k++) {
                            out[i][k] /= Math.max(1, n);
                        }
                    }
                    Vectors.normalize(out[i]);
                }
                return out;
            }
        } finally {
            for (OnnxTensor t : inputs.values()) {
                t.close();
            }
        }
    }

    static long maxTokenId(byte[] tokenizerJson) throws IOException {
        JsonNode root = new ObjectMapper().readTree(tokenizerJson);
        long max = 0;
        JsonNode vocab = root.path("model").path("vocab");
        if (vocab.isObject()) {
            for (Iterator<JsonNode> it = vocab.elements(); it.hasNext();) {
                max = Math.max(max, it.next().asLong());
            }
        } else if (vocab.isArray()) {
            max = vocab.size() - 1L;
        }
        for (JsonNode added : root.path("added_tokens")) {
            max = Math.max(max, added.path("id").asLong());
        }
        return max;
    }

    /** The first line of an ONNX Runtime message (the rest is a native stack); empty for none. */
    static String firstLine(@Nullable String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        OPEN.decrementAndGet();
        tokenizer.close();
        try {
            session.close();
        } catch (OrtException e) {
            // nothing more can be done with a session that fails to close
        }
    }

    /** ONNX Runtime sessions opened by encoders and not yet closed, in this JVM. */
    public static int openSessions() {
        return OPEN.get();
    }
}
