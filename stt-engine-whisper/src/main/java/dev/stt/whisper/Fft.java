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
        // Combine p interleaved sub-transforms of length m: X[k + s·m] = Σ_q W_size^(q·k) · W_p^(q·s) · Y_q[k]:
        // twiddle each input once, then a p-point DFT (hand-written for p = 2 and 4).
        int twiddleStep = n / size;
        int pStep = n / p;
        for (int k = 0; k < m; k++) {
            for (int q = 0; q < p; q++) {
                int idx = q * k * twiddleStep; // q·k < size, so no wrap-around
                double yr = outRe[outOffset + q * m + k];
                double yi = outIm[outOffset + q * m + k];
                tRe[q] = yr * cos[idx] - yi * sin[idx];
                tIm[q] = yr * sin[idx] + yi * cos[idx];
            }
            int base = outOffset + k;
            if (p == 4) {
                double r0 = tRe[0] + tRe[2], i0 = tIm[0] + tIm[2];
                double r1 = tRe[0] - tRe[2], i1 = tIm[0] - tIm[2];
                double r2 = tRe[1] + tRe[3], i2 = tIm[1] + tIm[3];
                // (a1 − a3)·(−i)
                double r3 = tIm[1] - tIm[3], i3 = tRe[3] - tRe[1];
                outRe[base] = r0 + r2;
                outIm[base] = i0 + i2;
                outRe[base + m] = r1 + r3;
                outIm[base + m] = i1 + i3;
                outRe[base + 2 * m] = r0 - r2;
                outIm[base + 2 * m] = i0 - i2;
                outRe[base + 3 * m] = r1 - r3;
                outIm[base + 3 * m] = i1 - i3;
            } else if (p == 2) {
                outRe[base] = tRe[0] + tRe[1];
                outIm[base] = tIm[0] + tIm[1];
                outRe[base + m] = tRe[0] - tRe[1];
                outIm[base + m] = tIm[0] - tIm[1];
            } else {
                for (int sIdx = 0; sIdx < p; sIdx++) {
                    double accRe = 0;
                    double accIm = 0;
                    int idx = 0;
                    int step = sIdx * pStep;
                    for (int q = 0; q < p; q++, idx = idx + step >= n ? idx + step - n : idx + step) {
                        accRe += tRe[q] * cos[idx] - tIm[q] * sin[idx];
                        accIm += tRe[q] * sin[idx] + tIm[q] * cos[idx];
                    }
                    outRe[base + sIdx * m] = accRe;
                    outIm[base + sIdx * m] = accIm;
                }
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
