package dev.stt.bench;

import java.util.Arrays;

/** Order statistics for benchmark samples. */
public final class Stats {

    private Stats() {
    }

    /** Median; the mean of the two middle values for an even count. */
    public static double median(double[] xs) {
        if (xs.length == 0) {
            throw new IllegalArgumentException("median of no samples");
        }
        double[] s = xs.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }

    /**
     * Nearest-rank percentile: the smallest sample with at least {@code p}% of samples at or below it
     * (p95 of 20 samples is the 19th smallest). NaN when there are no samples.
     */
    public static double percentile(double[] xs, double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
        }
        if (xs.length == 0) {
            return Double.NaN;
        }
        double[] s = xs.clone();
        Arrays.sort(s);
        int rank = (int) Math.ceil(p / 100 * s.length);
        return s[Math.max(1, rank) - 1];
    }
}
