package dev.stt.protocol.openai;

import dev.stt.segment.VadOptions;

/**
 * The {@code server_vad} turn detection of a transcription session. A session without one
 * ({@code "turn_detection": null}) is cut only by the client's {@code input_audio_buffer.commit}.
 *
 * @param threshold         speech probability that starts a turn (0.5)
 * @param prefixPaddingMs   audio kept before the detected start (300 ms)
 * @param silenceDurationMs silence that ends a turn (500 ms)
 */
public record TurnDetection(double threshold, int prefixPaddingMs, int silenceDurationMs) {

    public static final TurnDetection SERVER_VAD_DEFAULTS = new TurnDetection(0.5, 300, 500);

    public TurnDetection {
        if (!(threshold > 0 && threshold < 1)) {
            throw new RealtimeProtocolException("invalid_value", "turn_detection.threshold",
                    "turn_detection.threshold must be in (0, 1), got " + threshold);
        }
        if (prefixPaddingMs < 0 || prefixPaddingMs > 10_000) {
            throw new RealtimeProtocolException("invalid_value", "turn_detection.prefix_padding_ms",
                    "turn_detection.prefix_padding_ms must be in [0, 10000], got " + prefixPaddingMs);
        }
        if (silenceDurationMs < 0 || silenceDurationMs > 60_000) {
            throw new RealtimeProtocolException("invalid_value", "turn_detection.silence_duration_ms",
                    "turn_detection.silence_duration_ms must be in [0, 60000], got " + silenceDurationMs);
        }
    }

    /** The segmenter options for this turn detection; what OpenAI does not expose keeps {@code base}'s value. */
    public VadOptions toVadOptions(VadOptions base) {
        return base.withThreshold(threshold).withPrefixPaddingMs(prefixPaddingMs).withSilenceDurationMs(silenceDurationMs);
    }
}
