package dev.stt.session;

import dev.stt.engine.TranscribeOptions;
import dev.stt.segment.VadOptions;

/**
 * Per-session settings.
 *
 * @param vad                 how speech is cut; null = no VAD, segments close only on {@link TranscriptionSession#commit()}
 * @param transcribe          options passed to the engine
 * @param maxPendingSegments  closed segments that may wait for transcription; more is an overload the client is told of
 * @param maxBufferedSeconds  audio that may wait for the VAD; more is refused (the client sends faster than we keep up)
 */
public record SessionConfig(VadOptions vad, TranscribeOptions transcribe, int maxPendingSegments, double maxBufferedSeconds) {

    public static final SessionConfig DEFAULTS = new SessionConfig(VadOptions.DEFAULTS, TranscribeOptions.DEFAULTS, 16, 30);

    public SessionConfig {
        if (maxPendingSegments < 1) {
            throw new IllegalArgumentException("maxPendingSegments must be >= 1, got " + maxPendingSegments);
        }
        if (!(maxBufferedSeconds > 0)) {
            throw new IllegalArgumentException("maxBufferedSeconds must be > 0, got " + maxBufferedSeconds);
        }
    }

    public SessionConfig withVad(VadOptions vad) {
        return new SessionConfig(vad, transcribe, maxPendingSegments, maxBufferedSeconds);
    }

    public SessionConfig withTranscribe(TranscribeOptions t) {
        return new SessionConfig(vad, t, maxPendingSegments, maxBufferedSeconds);
    }
}
