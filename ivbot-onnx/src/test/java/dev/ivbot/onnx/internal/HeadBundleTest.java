package dev.ivbot.onnx.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The head file: anchors survive a round trip, a format 1 file (no anchors) still loads. */
class HeadBundleTest {
    private static final List<String> CLASSES = List.of("leave", "pay", HeadBundle.OOS);

    private static HeadBundle trained() {
        TextFeatures features = TextFeatures.fit(List.of("年假几天", "工资多少", "天气"));
        List<float[]> emb = List.of(new float[] {1, 0}, new float[] {0, 1}, new float[] {0.7f, 0.7f});
        List<TextFeatures.Sparse> sparse = List.of(features.vector("年假几天"), features.vector("工资多少"),
                features.vector("天气"));
        LinearHead head = LinearHead.train(emb, sparse, new int[] {0, 1, 2}, 3, features.size(),
                new LinearHead.Options(5, 2, 0.05, 0, 1, 1, 1));
        return new HeadBundle(CLASSES, features, head, 0.5, 1.0);
    }

    @Test
    void theNearestAnchorOfAnIntentRaisesItsLogitByTheWeight() {
        HeadBundle plain = trained();
        HeadBundle anchored = plain.withAnchors(new HeadBundle.Anchors(
                new float[][] {{1, 0}, {0.6f, 0.8f}, {0, 1}}, new int[] {0, 0, 1}), 10);
        float[] question = {0.6f, 0.8f};
        double[] sim = anchored.anchorSimilarities(question);
        // leave: max(0.6, 1.0); pay: 0.8; out of scope has no anchors
        assertThat(sim).containsExactly(new double[] {1.0, 0.8, 0.0}, org.assertj.core.data.Offset.offset(1e-6));
        double[] without = plain.logits(question, "年假");
        double[] with = anchored.logits(question, "年假");
        assertThat(with[0] - without[0]).isCloseTo(10.0, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(with[1] - without[1]).isCloseTo(8.0, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(with[2]).isEqualTo(without[2]);
    }

    @Test
    void anchorsAndTheirWeightSurviveWriteAndRead() throws IOException {
        HeadBundle anchored = trained().withAnchors(new HeadBundle.Anchors(new float[][] {{1, 0}, {0, 1}},
                new int[] {0, 1}), 7.5);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        anchored.write(bytes);
        HeadBundle read = HeadBundle.read(new ByteArrayInputStream(bytes.toByteArray()));
        assertThat(read.anchorWeight()).isEqualTo(7.5);
        assertThat(read.anchors().labels()).containsExactly(0, 1);
        float[] q = {0.3f, 0.95f};
        assertThat(read.logits(q, "工资")).containsExactly(anchored.logits(q, "工资"),
                org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void aFormatOneFileLoadsWithoutAnchors() throws IOException {
        HeadBundle plain = trained();
        ByteArrayOutputStream v2 = new ByteArrayOutputStream();
        plain.write(v2);
        byte[] bytes = v2.toByteArray();
        // format 1 is format 2 without the trailing anchor section: weight (8), count (4), dim (4)
        byte[] v1 = java.util.Arrays.copyOf(bytes, bytes.length - 16);
        v1[7] = 1;
        HeadBundle read = HeadBundle.read(new ByteArrayInputStream(v1));
        assertThat(read.anchors().isEmpty()).isTrue();
        assertThat(read.anchorWeight()).isZero();
        float[] q = {1, 0};
        assertThat(read.logits(q, "年假")).containsExactly(plain.logits(q, "年假"),
                org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void anAnchorOfAClassThatDoesNotExistIsACorruptFile() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        trained().withAnchors(new HeadBundle.Anchors(new float[][] {{1, 0}}, new int[] {0}), 1).write(bytes);
        byte[] b = bytes.toByteArray();
        // the single anchor's class (int) sits before its two floats at the very end
        int at = b.length - 8 - 4;
        ByteArrayOutputStream patched = new ByteArrayOutputStream();
        patched.write(b, 0, at);
        new DataOutputStream(patched).writeInt(9);
        patched.write(b, at + 4, 8);
        assertThatThrownBy(() -> HeadBundle.read(new ByteArrayInputStream(patched.toByteArray())))
                .isInstanceOf(IOException.class).hasMessageContaining("anchor class 9");
    }
}
