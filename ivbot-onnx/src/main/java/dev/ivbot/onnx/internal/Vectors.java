package dev.ivbot.onnx.internal;

/** Small dense-vector helpers. Stateless. */
final class Vectors {
    private Vectors() {}

    static void normalize(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x * x;
        }
        if (s > 0) {
            float inv = (float) (1 / Math.sqrt(s));
            for (int i = 0; i < v.length; i++) {
                v[i] *= inv;
            }
        }
    }
}
