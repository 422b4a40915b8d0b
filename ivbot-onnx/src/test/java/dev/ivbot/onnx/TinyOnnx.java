package dev.ivbot.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes a tiny sequence-classification ONNX model by hand (the protobuf wire format is simple):
 * {@code logits = mean_t(E[input_ids]) @ W + b}. Tests use it to load a "fine-tuned export" without
 * Python.
 */
final class TinyOnnx {
    private TinyOnnx() {}

    /** @param embeddings [vocab][hidden]  @param weights [hidden][classes]  @param bias [classes] */
    static byte[] model(float[][] embeddings, float[][] weights, float[] bias) {
        int vocab = embeddings.length;
        int hidden = embeddings[0].length;
        int classes = bias.length;
        Proto graph = new Proto()
                .msg(1, node(new String[] {"E", "input_ids"}, "emb", "Gather", null))
                .msg(1, node(new String[] {"emb"}, "pooled", "ReduceMean",
                        new Proto().str(1, "axes").varint(20, 7).varint(8, 1)).msg(5,
                        new Proto().str(1, "keepdims").varint(20, 2).varint(3, 0)))
                .msg(1, node(new String[] {"pooled", "W"}, "scores", "MatMul", null))
                .msg(1, node(new String[] {"scores", "b"}, "logits", "Add", null))
                .str(2, "tiny")
                .msg(5, tensor("E", new long[] {vocab, hidden}, flatten(embeddings)))
                .msg(5, tensor("W", new long[] {hidden, classes}, flatten(weights)))
                .msg(5, tensor("b", new long[] {classes}, bias))
                .msg(11, valueInfo("input_ids", 7, null))
                .msg(12, valueInfo("logits", 1, (long) classes));
        return new Proto()
                .varint(1, 8)
                .str(2, "ivbot-test")
                .msg(7, graph)
                .msg(8, new Proto().str(1, "").varint(2, 13))
                .bytes();
    }

    private static Proto node(String[] inputs, String output, String op, Proto attribute) {
        Proto n = new Proto();
        for (String in : inputs) {
            n.str(1, in);
        }
        n.str(2, output).str(3, output + "_node").str(4, op);
        if (attribute != null) {
            n.msg(5, attribute);
        }
        return n;
    }

    private static Proto tensor(String name, long[] dims, float[] data) {
        Proto t = new Proto();
        for (long d : dims) {
            t.varint(1, d);
        }
        ByteBuffer buf = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : data) {
            buf.putFloat(f);
        }
        return t.varint(2, 1).str(8, name).raw(9, buf.array());
    }

    /** [batch, seq] for the input, [batch, classes] for the output. */
    private static Proto valueInfo(String name, int elemType, Long classes) {
        Proto shape = new Proto().msg(1, new Proto().str(2, "batch"));
        shape.msg(1, classes == null ? new Proto().str(2, "seq") : new Proto().varint(1, classes));
        Proto tensorType = new Proto().varint(1, elemType).msg(2, shape);
        return new Proto().str(1, name).msg(2, new Proto().msg(1, tensorType));
    }

    private static float[] flatten(float[][] m) {
        float[] out = new float[m.length * m[0].length];
        for (int i = 0; i < m.length; i++) {
            System.arraycopy(m[i], 0, out, i * m[0].length, m[0].length);
        }
        return out;
    }

    /** A BERT-style WordPiece tokenizer.json over the given vocabulary ([PAD], [UNK], [CLS], [SEP] first). */
    static String tokenizer(String... words) {
        StringBuilder vocab = new StringBuilder("\"[PAD]\":0,\"[UNK]\":1,\"[CLS]\":2,\"[SEP]\":3");
        for (int i = 0; i < words.length; i++) {
            vocab.append(",\"").append(words[i]).append("\":").append(i + 4);
        }
        String special = "\"single_word\":false,\"lstrip\":false,\"rstrip\":false,\"normalized\":false,\"special\":true";
        return "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":["
                + "{\"id\":0,\"content\":\"[PAD]\"," + special + "},{\"id\":1,\"content\":\"[UNK]\"," + special + "},"
                + "{\"id\":2,\"content\":\"[CLS]\"," + special + "},{\"id\":3,\"content\":\"[SEP]\"," + special + "}],"
                + "\"normalizer\":{\"type\":\"BertNormalizer\",\"clean_text\":true,\"handle_chinese_chars\":true,"
                + "\"strip_accents\":null,\"lowercase\":true},"
                + "\"pre_tokenizer\":{\"type\":\"BertPreTokenizer\"},"
                + "\"post_processor\":{\"type\":\"BertProcessing\",\"sep\":[\"[SEP]\",3],\"cls\":[\"[CLS]\",2]},"
                + "\"decoder\":null,"
                + "\"model\":{\"type\":\"WordPiece\",\"unk_token\":\"[UNK]\",\"continuing_subword_prefix\":\"##\","
                + "\"max_input_chars_per_word\":100,\"vocab\":{" + vocab + "}}}";
    }

    /** Minimal protobuf writer: varints and length-delimited fields. */
    static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long value) {
            writeVarint((long) field << 3);
            writeVarint(value);
            return this;
        }

        Proto str(int field, String s) {
            return raw(field, s.getBytes(StandardCharsets.UTF_8));
        }

        Proto msg(int field, Proto m) {
            return raw(field, m.bytes());
        }

        Proto raw(int field, byte[] data) {
            writeVarint(((long) field << 3) | 2);
            writeVarint(data.length);
            out.writeBytes(data);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        private void writeVarint(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }
    }
}
