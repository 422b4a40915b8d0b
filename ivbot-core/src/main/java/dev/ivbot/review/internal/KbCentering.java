package dev.ivbot.review.internal;

import java.util.Random;

/**
 * Takes out what every question of a KB shares, so that clustering sees what sets questions apart:
 * subtracts the mean of the KB's example embeddings and projects out their top principal directions
 * ("all-but-the-top", Mu and Viswanath, ICLR 2018). An encoder's embeddings of one domain's questions
 * crowd into a narrow cone, where two different topics sit close in plain cosine distance. On dev data
 * (random triples of the demo KB's intents, their examples clustered among other questions) this
 * doubled the Chinese topics that come out as one dominant cluster and raised the English ones by a
 * third; see docs/operations.md.
 *
 * <p>Immutable and thread-safe once fitted.
 */
public final class KbCentering {
    /** Principal directions taken out besides the mean; 2-8 did alike on dev data. */
    public static final int COMPONENTS = 2;
    /** Fewer examples than this and the directions are noise: the vectors stay as they are. */
    private static final int MIN_EXAMPLES = 10;
    private static final int POWER_ITERATIONS = 50;

    /** Leaves vectors as they are. */
    private static final KbCentering IDENTITY = new KbCentering(new float[0], new float[0][]);

    /** Empty for {@link #IDENTITY}. */
    private final float[] mean;
    private final float[][] directions;

    private KbCentering(float[] mean, float[][] directions) {
        this.mean = mean;
        this.directions = directions;
    }

    /** Fitted on the KB's unit example vectors of one language. */
    public static KbCentering fit(float[][] unitExamples) {
        if (unitExamples.length < MIN_EXAMPLES) {
            return IDENTITY;
        }
        int d = unitExamples[0].length;
        float[] mean = new float[d];
        for (float[] v : unitExamples) {
            for (int k = 0; k < d; k++) {
                mean[k] += v[k] / unitExamples.length;
            }
        }
        float[][] centered = new float[unitExamples.length][];
        for (int i = 0; i < unitExamples.length; i++) {
            centered[i] = minus(unitExamples[i], mean);
        }
        float[][] directions = new float[COMPONENTS][];
        for (int p = 0; p < COMPONENTS; p++) {
            directions[p] = topDirection(centered, d, p);
            for (float[] c : centered) {
                projectOut(c, directions[p]);
            }
        }
        return new KbCentering(mean, directions);
    }

    /** Each vector centred, its top directions projected out, scaled to unit length. */
    public float[][] apply(float[][] unitVectors) {
        if (mean.length == 0) {
            return unitVectors;
        }
        float[][] out = new float[unitVectors.length][];
        for (int i = 0; i < unitVectors.length; i++) {
            float[] c = minus(unitVectors[i], mean);
            for (float[] direction : directions) {
                projectOut(c, direction);
            }
            out[i] = Agglomerative.unit(c);
        }
        return out;
    }

    private static float[] minus(float[] v, float[] mean) {
        float[] out = new float[v.length];
        for (int k = 0; k < v.length; k++) {
            out[k] = v[k] - mean[k];
        }
        return out;
    }

    private static void projectOut(float[] v, float[] direction) {
        float dot = Agglomerative.dot(v, direction);
        for (int k = 0; k < v.length; k++) {
            v[k] -= dot * direction[k];
        }
    }

    /** Power iteration on the rows' scatter matrix, from a fixed seed so that a KB always gives the same result. */
    private static float[] topDirection(float[][] rows, int d, int seed) {
        Random random = new Random(seed);
        float[] v = new float[d];
        for (int k = 0; k < d; k++) {
            v[k] = (float) random.nextGaussian();
        }
        v = Agglomerative.unit(v);
        for (int it = 0; it < POWER_ITERATIONS; it++) {
            float[] next = new float[d];
            for (float[] row : rows) {
                float dot = Agglomerative.dot(row, v);
                for (int k = 0; k < d; k++) {
                    next[k] += dot * row[k];
                }
            }
            v = Agglomerative.unit(next);
        }
        return v;
    }
}
