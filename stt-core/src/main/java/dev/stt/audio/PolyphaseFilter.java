package dev.stt.audio;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Kaiser-windowed sinc low-pass of one rate pair, sampled once per output phase, so the
 * {@link Resampler}'s inner loop is a plain dot product.
 *
 * <p>With {@code out/in = up/down} in lowest terms there are {@code up} distinct phases. Up to
 * {@value #MAX_EXACT_PHASES} of them are tabulated exactly (every pair of common rates: 44.1→16 kHz has
 * 160); odd pairs such as 44 101→16 000 Hz would need thousands, so their taps are interpolated linearly
 * between {@value #INTERPOLATED_PHASES} tabulated phases, which stays far below the stopband level.
 *
 * @param up      L, the upsampling factor
 * @param down    M, the downsampling factor
 * @param half    H: output k reads input floor(k·M/L) - (H - 1) .. floor(k·M/L) + H
 * @param table   taps of each tabulated phase, one row of {@code 2H} after another
 * @param interpolated whether rows are {@value #INTERPOLATED_PHASES} + 1 evenly spaced phases
 *                (interpolated) rather than the {@code up} exact ones
 */
record PolyphaseFilter(int up, int down, int half, float[] table, boolean interpolated) {

    /** Passband edge, as a fraction of the lower of the two rates. */
    static final double PASSBAND_EDGE = 0.40;
    /** Stopband edge: the lower rate's Nyquist frequency, so nothing aliases. */
    static final double STOPBAND_EDGE = 0.50;
    static final double STOPBAND_ATTENUATION_DB = 80;
    static final int MAX_EXACT_PHASES = 1024;
    static final int INTERPOLATED_PHASES = 512;

    private static final int CACHE_SIZE = 16;
    private static final Map<Long, PolyphaseFilter> CACHE = new LinkedHashMap<>(32, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, PolyphaseFilter> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    int taps() {
        return 2 * half;
    }

    static PolyphaseFilter forRates(int inRate, int outRate) {
        long key = ((long) inRate << 32) | outRate;
        synchronized (CACHE) {
            return CACHE.computeIfAbsent(key, k -> design(inRate, outRate));
        }
    }

    private static PolyphaseFilter design(int inRate, int outRate) {
        int g = gcd(inRate, outRate);
        int up = outRate / g;
        int down = inRate / g;
        // frequencies in cycles per input sample
        double lower = Math.min(inRate, outRate) / (double) inRate;
        double cutoff = (PASSBAND_EDGE + STOPBAND_EDGE) / 2 * lower;
        double transition = (STOPBAND_EDGE - PASSBAND_EDGE) * lower;
        // Kaiser's design formulas for the window length and shape at the wanted attenuation
        double a = STOPBAND_ATTENUATION_DB;
        double halfWidth = (a - 7.95) / (2.285 * 2 * Math.PI * transition) / 2;
        double beta = 0.1102 * (a - 8.7);
        int half = (int) Math.ceil(halfWidth);
        boolean interpolated = up > MAX_EXACT_PHASES;
        int rows = interpolated ? INTERPOLATED_PHASES + 1 : up;
        int taps = 2 * half;
        float[] table = new float[rows * taps];
        double i0Beta = besselI0(beta);
        for (int r = 0; r < rows; r++) {
            double frac = interpolated ? (double) r / INTERPOLATED_PHASES : (double) r / up;
            double sum = 0;
            double[] row = new double[taps];
            for (int t = 0; t < taps; t++) {
                double tau = frac - (t - (half - 1)); // output time minus input sample time
                double u = tau / halfWidth;
                if (Math.abs(u) >= 1) {
                    continue;
                }
                double window = besselI0(beta * Math.sqrt(1 - u * u)) / i0Beta;
                row[t] = 2 * cutoff * sinc(2 * cutoff * tau) * window;
                sum += row[t];
            }
            // each phase on its own passes DC at exactly unit gain
            for (int t = 0; t < taps; t++) {
                table[r * taps + t] = (float) (row[t] / sum);
            }
        }
        return new PolyphaseFilter(up, down, half, table, interpolated);
    }

    /** Taps for phase {@code phase}/up, between the two nearest tabulated phases. */
    void interpolateTaps(int phase, float[] into) {
        long pos = (long) phase * INTERPOLATED_PHASES;
        int row = (int) (pos / up);
        float w = (float) (pos % up) / up;
        int taps = taps();
        int a = row * taps;
        int b = a + taps;
        for (int t = 0; t < taps; t++) {
            into[t] = table[a + t] + w * (table[b + t] - table[a + t]);
        }
    }

    private static double sinc(double x) {
        if (x == 0) {
            return 1;
        }
        double px = Math.PI * x;
        return Math.sin(px) / px;
    }

    /** Modified Bessel function of the first kind, order 0 (power series; converges fast for β ≤ 20). */
    static double besselI0(double x) {
        double sum = 1;
        double term = 1;
        double q = x * x / 4;
        for (int k = 1; k < 200; k++) {
            term *= q / ((double) k * k);
            sum += term;
            if (term < sum * 1e-17) {
                break;
            }
        }
        return sum;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
