package dev.stt.whisper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FftTest {

    @Test
    void matchesDirectDftForWhisperAndOddLengths() {
        for (int n : new int[] {1, 2, 3, 8, 12, 49, 400, 7 * 11}) {
            Random rnd = new Random(n);
            double[] re = new double[n];
            double[] im = new double[n];
            for (int i = 0; i < n; i++) {
                re[i] = rnd.nextGaussian();
                im[i] = rnd.nextGaussian();
            }
            double[] outRe = new double[n];
            double[] outIm = new double[n];
            new Fft(n).transform(re, im, outRe, outIm);
            for (int k = 0; k < n; k++) {
                double sr = 0;
                double si = 0;
                for (int t = 0; t < n; t++) {
                    double a = -2 * Math.PI * ((long) k * t % n) / n;
                    sr += re[t] * Math.cos(a) - im[t] * Math.sin(a);
                    si += re[t] * Math.sin(a) + im[t] * Math.cos(a);
                }
                assertEquals(sr, outRe[k], 1e-9, "n=" + n + " k=" + k);
                assertEquals(si, outIm[k], 1e-9, "n=" + n + " k=" + k);
            }
        }
    }

    @Test
    void rejectsBadLengths() {
        assertThrows(IllegalArgumentException.class, () -> new Fft(0));
        assertThrows(IllegalArgumentException.class, () -> new Fft(8).transform(new double[4], new double[4], new double[8], new double[8]));
    }
}
