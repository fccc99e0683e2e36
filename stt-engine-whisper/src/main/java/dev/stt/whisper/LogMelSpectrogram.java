package dev.stt.whisper;

/**
 * Whisper's input features: the log-mel spectrogram of 16 kHz audio padded or trimmed to 30 s, exactly
 * as openai/whisper {@code audio.py} computes it (n_fft 400, hop 160, periodic Hann window, centred
 * frames with reflect padding, power spectrum, last frame dropped, Slaney mel filters, log10 clamped
 * at 1e-10, floored at max − 8, then (x + 4) / 4). Thread-safe.
 */
public final class LogMelSpectrogram {

    public static final int SAMPLE_RATE = 16_000;
    public static final int N_FFT = 400;
    public static final int HOP = 160;
    public static final int CHUNK_SAMPLES = 30 * SAMPLE_RATE;
    /** Frames in one 30 s chunk (the STFT's last frame is dropped). */
    public static final int FRAMES = CHUNK_SAMPLES / HOP;

    private static final int BINS = N_FFT / 2 + 1;

    private final int melBins;
    private final double[][] filters;
    /** Per mel row, the first and last FFT bin with a non-zero weight: the filters are narrow triangles. */
    private final int[] firstBin;
    private final int[] lastBin;
    private final double[] window = new double[N_FFT];
    private final Fft fft = new Fft(N_FFT);

    /** @param melBins 80 for most Whisper models, 128 for large-v3 and turbo */
    public LogMelSpectrogram(int melBins) {
        if (melBins < 1 || melBins > BINS) {
            throw new IllegalArgumentException("mel bins must be in 1.." + BINS + ", got " + melBins);
        }
        this.melBins = melBins;
        this.filters = MelFilterBank.slaney(SAMPLE_RATE, N_FFT, melBins);
        this.firstBin = new int[melBins];
        this.lastBin = new int[melBins];
        for (int m = 0; m < melBins; m++) {
            int first = BINS;
            int last = -1;
            for (int k = 0; k < BINS; k++) {
                if (filters[m][k] != 0) {
                    first = Math.min(first, k);
                    last = k;
                }
            }
            firstBin[m] = first;
            lastBin[m] = last;
        }
        for (int i = 0; i < N_FFT; i++) {
            window[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / N_FFT);
        }
    }

    public int melBins() {
        return melBins;
    }

    /** @return features [melBins × FRAMES], row-major (mel-major), ready for {@code input_features} */
    public float[] compute(float[] samples) {
        float[] out = new float[melBins * FRAMES];
        compute(samples, out, 0);
        return out;
    }

    /** Writes the features of {@code samples} into {@code out} at {@code offset} (one batch row). */
    public void compute(float[] samples, float[] out, int offset) {
        if (out.length - offset < melBins * FRAMES) {
            throw new IllegalArgumentException("output has room for " + (out.length - offset) + " values, need " + melBins * FRAMES);
        }
        int n = Math.min(samples.length, CHUNK_SAMPLES);
        int pad = N_FFT / 2;
        double[] x = new double[CHUNK_SAMPLES + 2 * pad];
        for (int i = 0; i < n; i++) {
            x[pad + i] = samples[i];
        }
        for (int i = 1; i <= pad; i++) {
            x[pad - i] = x[pad + i];
            x[pad + CHUNK_SAMPLES - 1 + i] = x[pad + CHUNK_SAMPLES - 1 - i];
        }

        double[] mel = new double[melBins * FRAMES];
        double[] power = new double[BINS];
        double[] powerB = new double[BINS];
        double[] re = new double[N_FFT];
        double[] im = new double[N_FFT];
        double[] zr = new double[N_FFT];
        double[] zi = new double[N_FFT];
        // Two real frames share one complex FFT (one in the real part, one in the imaginary part).
        for (int f = 0; f < FRAMES; f += 2) {
            boolean pair = f + 1 < FRAMES;
            for (int i = 0; i < N_FFT; i++) {
                re[i] = x[f * HOP + i] * window[i];
                im[i] = pair ? x[(f + 1) * HOP + i] * window[i] : 0;
            }
            fft.transform(re, im, zr, zi);
            for (int k = 0; k < BINS; k++) {
                int j = (N_FFT - k) % N_FFT;
                double aRe = 0.5 * (zr[k] + zr[j]);
                double aIm = 0.5 * (zi[k] - zi[j]);
                double bRe = 0.5 * (zi[k] + zi[j]);
                double bIm = -0.5 * (zr[k] - zr[j]);
                power[k] = aRe * aRe + aIm * aIm;
                powerB[k] = bRe * bRe + bIm * bIm;
            }
            applyFilters(power, mel, f);
            if (pair) {
                applyFilters(powerB, mel, f + 1);
            }
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < mel.length; i++) {
            mel[i] = Math.log10(Math.max(mel[i], 1e-10));
            max = Math.max(max, mel[i]);
        }
        double floor = max - 8.0;
        for (int i = 0; i < mel.length; i++) {
            out[offset + i] = (float) ((Math.max(mel[i], floor) + 4.0) / 4.0);
        }
    }

    private void applyFilters(double[] power, double[] mel, int frame) {
        for (int m = 0; m < melBins; m++) {
            double acc = 0;
            double[] w = filters[m];
            for (int k = firstBin[m]; k <= lastBin[m]; k++) {
                acc += w[k] * power[k];
            }
            mel[m * FRAMES + frame] = acc;
        }
    }
}
