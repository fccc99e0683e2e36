package dev.stt.audio;

/**
 * Placeholder contract for the streaming band-limited resampler (issue: Foundation, audio front end).
 * Linear interpolation until the windowed-sinc implementation lands.
 */
public final class Resampler {

    private Resampler() {
    }

    public static float[] resample(float[] x, int inRate, int outRate) {
        if (inRate == outRate) {
            return x.clone();
        }
        int n = (int) ((long) x.length * outRate / inRate);
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            double t = (double) i * inRate / outRate;
            int k = (int) t;
            double f = t - k;
            float a = x[Math.min(k, x.length - 1)];
            float b = x[Math.min(k + 1, x.length - 1)];
            y[i] = (float) (a + (b - a) * f);
        }
        return y;
    }
}
