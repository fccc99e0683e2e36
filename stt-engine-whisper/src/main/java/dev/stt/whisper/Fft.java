package dev.stt.whisper;

/**
 * Complex FFT of one fixed length by mixed-radix Cooley–Tukey. Whisper's frame length is 400 = 4·4·5·5,
 * which a radix-2 FFT cannot do; a direct DFT of 400 points would cost ten times more per frame.
 * Immutable after construction and thread-safe (scratch space is per call).
 */
final class Fft {

    private final int n;
    private final int[] factors;
    private final double[] cos;
    private final double[] sin;

    Fft(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("FFT length must be >= 1, got " + n);
        }
        this.n = n;
        this.factors = factor(n);
        this.cos = new double[n];
        this.sin = new double[n];
        for (int k = 0; k < n; k++) {
            double a = -2 * Math.PI * k / n;
            cos[k] = Math.cos(a);
            sin[k] = Math.sin(a);
        }
    }

    int length() {
        return n;
    }

    /** Forward transform, {@code X[k] = Σ x[t]·e^(−2πi·kt/n)}, written to {@code outRe}/{@code outIm}. */
    void transform(double[] re, double[] im, double[] outRe, double[] outIm) {
        if (re.length < n || im.length < n || outRe.length < n || outIm.length < n) {
            throw new IllegalArgumentException("arrays must hold at least " + n + " values");
        }
        double[] tmpRe = new double[Math.max(5, largestFactor())];
        double[] tmpIm = new double[tmpRe.length];
        recurse(re, im, 0, 1, n, outRe, outIm, 0, 0, tmpRe, tmpIm);
    }

    private int largestFactor() {
        int m = 1;
        for (int f : factors) {
            m = Math.max(m, f);
        }
        return m;
    }

    private void recurse(double[] inRe, double[] inIm, int offset, int stride, int size,
                         double[] outRe, double[] outIm, int outOffset, int level, double[] tRe, double[] tIm) {
        if (size == 1) {
            outRe[outOffset] = inRe[offset];
            outIm[outOffset] = inIm[offset];
            return;
        }
        int p = factors[level];
        int m = size / p;
        for (int q = 0; q < p; q++) {
            recurse(inRe, inIm, offset + q * stride, stride * p, m, outRe, outIm, outOffset + q * m, level + 1, tRe, tIm);
        }
        // Combine p interleaved sub-transforms of length m: X[k + s·m] = Σ_q W^(q·(k+s·m)) · Y_q[k].
        int twiddleStep = n / size;
        for (int k = 0; k < m; k++) {
            for (int s = 0; s < p; s++) {
                double accRe = 0;
                double accIm = 0;
                int e = k + s * m;
                // twiddle exponent q·e·twiddleStep mod n, stepped without a division per term
                int step = (int) (((long) e * twiddleStep) % n);
                int idx = 0;
                for (int q = 0; q < p; q++, idx = idx + step >= n ? idx + step - n : idx + step) {
                    double yr = outRe[outOffset + q * m + k];
                    double yi = outIm[outOffset + q * m + k];
                    accRe += yr * cos[idx] - yi * sin[idx];
                    accIm += yr * sin[idx] + yi * cos[idx];
                }
                tRe[s] = accRe;
                tIm[s] = accIm;
            }
            for (int s = 0; s < p; s++) {
                outRe[outOffset + k + s * m] = tRe[s];
                outIm[outOffset + k + s * m] = tIm[s];
            }
        }
    }

    private static int[] factor(int n) {
        int[] buf = new int[32];
        int count = 0;
        int rest = n;
        for (int f : new int[] {4, 2, 3, 5}) {
            while (rest % f == 0) {
                buf[count++] = f;
                rest /= f;
            }
        }
        for (int f = 7; rest > 1; f += 2) {
            while (rest % f == 0) {
                buf[count++] = f;
                rest /= f;
            }
        }
        return java.util.Arrays.copyOf(buf, count);
    }
}
