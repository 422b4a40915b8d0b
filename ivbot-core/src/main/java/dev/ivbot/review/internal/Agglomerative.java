package dev.ivbot.review.internal;

/**
 * Average-linkage agglomerative clustering on cosine distance, stopped at a distance threshold, so
 * that no cluster count has to be guessed. Each step merges the closest pair of clusters; with
 * average linkage a merge never brings two other clusters closer (reducibility), so each cluster's
 * nearest neighbour can be cached and refreshed only where a merge touched it: about n² work and
 * memory for n vectors.
 *
 * <p>Stateless; thread-safe.
 */
public final class Agglomerative {
    private Agglomerative() {}

    /** Similarity of items {@code i} and {@code j}, at most 1. */
    @FunctionalInterface
    public interface Similarity {
        float of(int i, int j);
    }

    /** {@link #cluster(int, Similarity, double)} on the cosine similarity of unit vectors. */
    public static int[] cluster(float[][] unit, double threshold) {
        return cluster(unit.length, (i, j) -> dot(unit[i], unit[j]), threshold);
    }

    /**
     * The cluster label of each of {@code n} items (labels 0..k-1 in order of first appearance).
     *
     * @param threshold the largest average distance (1 - similarity) at which two clusters merge
     */
    public static int[] cluster(int n, Similarity similarity, double threshold) {
        float[][] d = new float[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                float dist = 1 - similarity.of(i, j);
                d[i][j] = dist;
                d[j][i] = dist;
            }
        }
        int[] size = new int[n];
        int[] parent = new int[n];
        boolean[] active = new boolean[n];
        int[] nn = new int[n];
        float[] nnDist = new float[n];
        for (int i = 0; i < n; i++) {
            size[i] = 1;
            parent[i] = i;
            active[i] = true;
        }
        for (int i = 0; i < n; i++) {
            nearest(i, d, active, nn, nnDist);
        }
        for (int merges = 0; merges < n - 1; merges++) {
            int a = -1;
            for (int i = 0; i < n; i++) {
                if (active[i] && nn[i] >= 0 && (a < 0 || nnDist[i] < nnDist[a])) {
                    a = i;
                }
            }
            if (a < 0 || nnDist[a] > threshold) {
                break;
            }
            int b = nn[a];
            for (int k = 0; k < n; k++) {
                if (active[k] && k != a && k != b) {
                    float merged = (size[a] * d[a][k] + size[b] * d[b][k]) / (size[a] + size[b]);
                    d[a][k] = merged;
                    d[k][a] = merged;
                }
            }
            size[a] += size[b];
            active[b] = false;
            parent[b] = a;
            for (int k = 0; k < n; k++) {
                if (!active[k]) {
                    continue;
                }
                if (k == a || nn[k] == a || nn[k] == b) {
                    nearest(k, d, active, nn, nnDist);
                } else if (d[k][a] < nnDist[k]) {
                    nn[k] = a;
                    nnDist[k] = d[k][a];
                }
            }
        }
        int[] label = new int[n];
        int[] rootLabel = new int[n];
        java.util.Arrays.fill(rootLabel, -1);
        int next = 0;
        for (int i = 0; i < n; i++) {
            int r = i;
            while (parent[r] != r) {
                r = parent[r];
            }
            if (rootLabel[r] < 0) {
                rootLabel[r] = next++;
            }
            label[i] = rootLabel[r];
        }
        return label;
    }

    private static void nearest(int i, float[][] d, boolean[] active, int[] nn, float[] nnDist) {
        int best = -1;
        float bestDist = Float.MAX_VALUE;
        for (int k = 0; k < d.length; k++) {
            if (k != i && active[k] && d[i][k] < bestDist) {
                best = k;
                bestDist = d[i][k];
            }
        }
        nn[i] = best;
        nnDist[i] = bestDist;
    }

    public static float dot(float[] a, float[] b) {
        float s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** {@code v} scaled to unit length (a zero vector stays zero). */
    public static float[] unit(float[] v) {
        double norm = Math.sqrt(dot(v, v));
        float[] out = new float[v.length];
        if (norm > 0) {
            for (int i = 0; i < v.length; i++) {
                out[i] = (float) (v[i] / norm);
            }
        }
        return out;
    }
}
