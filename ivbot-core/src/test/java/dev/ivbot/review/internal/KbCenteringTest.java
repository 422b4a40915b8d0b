package dev.ivbot.review.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class KbCenteringTest {
    private static final int DIMENSIONS = 16;

    /** A unit vector mostly along the domain's shared direction (axis 0), with a little of the topic's axis and noise. */
    private static float[] question(int topicAxis, Random random) {
        float[] v = new float[DIMENSIONS];
        v[0] = 5;
        v[topicAxis] = 1;
        for (int k = 1; k < DIMENSIONS; k++) {
            v[k] += (float) (0.1 * random.nextGaussian());
        }
        return Agglomerative.unit(v);
    }

    private static float[][] kb(Random random) {
        float[][] examples = new float[40][];
        for (int i = 0; i < examples.length; i++) {
            examples[i] = question(1 + i % 8, random);
        }
        return examples;
    }

    @Test
    void twoTopicsThatSharedTheDomainsDirectionComeApart() {
        Random random = new Random(1);
        KbCentering centering = KbCentering.fit(kb(random));
        float[][] queue = new float[20][];
        for (int i = 0; i < queue.length; i++) {
            queue[i] = question(i < 10 ? 9 : 10, random);
        }
        // plain: every question is within 0.1 of every other, so one threshold merges the two topics
        assertThat(Agglomerative.cluster(queue, 0.1)).containsOnly(0);
        int[] labels = Agglomerative.cluster(centering.apply(queue), 0.5);
        assertThat(labels).startsWith(0, 0, 0, 0, 0, 0, 0, 0, 0, 0).endsWith(1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
    }

    @Test
    void theSameKbGivesTheSameViewAndItsVectorsAreUnit() {
        float[][] examples = kb(new Random(2));
        float[][] queue = {question(3, new Random(3))};
        float[] once = KbCentering.fit(examples).apply(queue)[0];
        assertThat(KbCentering.fit(examples).apply(queue)[0]).containsExactly(once);
        assertThat(Agglomerative.dot(once, once)).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
    }

    @Test
    void tooFewExamplesLeaveTheVectorsAsTheyAre() {
        Random random = new Random(4);
        float[][] few = new float[9][];
        for (int i = 0; i < few.length; i++) {
            few[i] = question(1 + i, random);
        }
        float[][] queue = {question(2, random), question(5, random)};
        assertThat(KbCentering.fit(few).apply(queue)).isSameAs(queue);
    }
}
