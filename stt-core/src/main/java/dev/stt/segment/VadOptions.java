package dev.stt.segment;

/**
 * How speech is told from silence, with the OpenAI Realtime {@code server_vad} defaults.
 *
 * @param threshold         speech probability at or above which speech starts (0.5)
 * @param releaseOffset     speech ends only below {@code threshold - releaseOffset} (0.15): hysteresis
 *                          keeps one soft syllable from splitting a segment
 * @param prefixPaddingMs   audio kept before the detected start (300 ms); {@code speech_started} reports
 *                          the padded start
 * @param silenceDurationMs silence that closes a segment (500 ms)
 * @param minSpeechMs       speech shorter than this is dropped as a click or cough (250 ms)
 * @param maxSegmentSeconds longer speech is split at its quietest point, never dropped (30 s)
 */
public record VadOptions(double threshold, double releaseOffset, int prefixPaddingMs, int silenceDurationMs,
                         int minSpeechMs, double maxSegmentSeconds) {

    public static final VadOptions DEFAULTS = new VadOptions(0.5, 0.15, 300, 500, 250, 30);

    public VadOptions {
        if (!(threshold > 0 && threshold < 1)) {
            throw new IllegalArgumentException("threshold must be in (0, 1), got " + threshold);
        }
        if (!(releaseOffset >= 0 && releaseOffset < threshold)) {
            throw new IllegalArgumentException("releaseOffset must be in [0, threshold), got " + releaseOffset);
        }
        if (prefixPaddingMs < 0 || prefixPaddingMs > 10_000) {
            throw new IllegalArgumentException("prefixPaddingMs must be in [0, 10000], got " + prefixPaddingMs);
        }
        if (silenceDurationMs < 0 || silenceDurationMs > 60_000) {
            throw new IllegalArgumentException("silenceDurationMs must be in [0, 60000], got " + silenceDurationMs);
        }
        if (minSpeechMs < 0) {
            throw new IllegalArgumentException("minSpeechMs must be >= 0, got " + minSpeechMs);
        }
        if (!(maxSegmentSeconds >= 1 && maxSegmentSeconds <= 600)) {
            throw new IllegalArgumentException("maxSegmentSeconds must be in [1, 600], got " + maxSegmentSeconds);
        }
    }

    public VadOptions withThreshold(double t) {
        return new VadOptions(t, Math.min(releaseOffset, t / 2), prefixPaddingMs, silenceDurationMs, minSpeechMs, maxSegmentSeconds);
    }

    public VadOptions withPrefixPaddingMs(int ms) {
        return new VadOptions(threshold, releaseOffset, ms, silenceDurationMs, minSpeechMs, maxSegmentSeconds);
    }

    public VadOptions withSilenceDurationMs(int ms) {
        return new VadOptions(threshold, releaseOffset, prefixPaddingMs, ms, minSpeechMs, maxSegmentSeconds);
    }

    public VadOptions withMinSpeechMs(int ms) {
        return new VadOptions(threshold, releaseOffset, prefixPaddingMs, silenceDurationMs, ms, maxSegmentSeconds);
    }

    public VadOptions withMaxSegmentSeconds(double s) {
        return new VadOptions(threshold, releaseOffset, prefixPaddingMs, silenceDurationMs, minSpeechMs, s);
    }
}
