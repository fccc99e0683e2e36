package dev.stt.whisper;

/**
 * Slaney-style triangular mel filters, area-normalised, as {@code librosa.filters.mel(sr, n_fft, n_mels)}
 * computes them with its defaults (htk=False, norm="slaney") — the filters Whisper was trained with.
 * Computed rather than shipped so any bin count (80, 128) works without data files.
 */
final class MelFilterBank {

    private static final double F_SP = 200.0 / 3;
    private static final double MIN_LOG_HZ = 1000.0;
    private static final double MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
    private static final double LOG_STEP = Math.log(6.4) / 27.0;

    private MelFilterBank() {
    }

    /** @return weights [nMels][nFft/2 + 1] */
    static double[][] slaney(int sampleRate, int nFft, int nMels) {
        if (nMels < 1 || nFft < 2 || sampleRate < 1) {
            throw new IllegalArgumentException("bad mel filter parameters: sr=" + sampleRate + " nFft=" + nFft + " nMels=" + nMels);
        }
        int bins = nFft / 2 + 1;
        double[] fftFreqs = new double[bins];
        for (int i = 0; i < bins; i++) {
            fftFreqs[i] = (double) sampleRate / 2 * i / (bins - 1);
        }
        double minMel = hzToMel(0);
        double maxMel = hzToMel(sampleRate / 2.0);
        double[] melF = new double[nMels + 2];
        for (int i = 0; i < melF.length; i++) {
            melF[i] = melToHz(minMel + (maxMel - minMel) * i / (nMels + 1));
        }
        double[][] w = new double[nMels][bins];
        for (int m = 0; m < nMels; m++) {
            double lowerDiff = melF[m + 1] - melF[m];
            double upperDiff = melF[m + 2] - melF[m + 1];
            double norm = 2.0 / (melF[m + 2] - melF[m]);
            for (int k = 0; k < bins; k++) {
                double lower = (fftFreqs[k] - melF[m]) / lowerDiff;
                double upper = (melF[m + 2] - fftFreqs[k]) / upperDiff;
                w[m][k] = Math.max(0, Math.min(lower, upper)) * norm;
            }
        }
        return w;
    }

    static double hzToMel(double hz) {
        return hz >= MIN_LOG_HZ ? MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOG_STEP : hz / F_SP;
    }

    static double melToHz(double mel) {
        return mel >= MIN_LOG_MEL ? MIN_LOG_HZ * Math.exp(LOG_STEP * (mel - MIN_LOG_MEL)) : F_SP * mel;
    }
}
