package dev.stt.audio;

/**
 * Decoded audio: mono samples in [-1, 1] at {@code sampleRate}.
 */
public record AudioClip(float[] samples, int sampleRate) {

    public AudioClip {
        java.util.Objects.requireNonNull(samples, "samples");
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sampleRate must be positive, got " + sampleRate);
        }
    }

    public double durationSeconds() {
        return (double) samples.length / sampleRate;
    }

    /** The samples at 16 kHz, the rate every engine and the VAD take. */
    public float[] toMono16k() {
        return sampleRate == 16_000 ? samples : Resampler.resample(samples, sampleRate, 16_000);
    }
}
