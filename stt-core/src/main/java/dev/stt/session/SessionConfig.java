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
 * @param interimIntervalMs   while speech is open, re-decode it as it grows, never closer than this much audio
 *                            apart, and report the text ({@link SessionListener#interim}); 0 = no interim text
 */
public record SessionConfig(VadOptions vad, TranscribeOptions transcribe, int maxPendingSegments, double maxBufferedSeconds,
                            int interimIntervalMs) {

    public static final SessionConfig DEFAULTS = new SessionConfig(VadOptions.DEFAULTS, TranscribeOptions.DEFAULTS, 16, 30, 0);
    /** Interim cadence when a client asks for interim text and the server sets none ({@code STT_INTERIM_MS}). */
    public static final int DEFAULT_INTERIM_MS = 500;

    public SessionConfig(VadOptions vad, TranscribeOptions transcribe, int maxPendingSegments, double maxBufferedSeconds) {
        this(vad, transcribe, maxPendingSegments, maxBufferedSeconds, 0);
    }

    public SessionConfig {
        if (maxPendingSegments < 1) {
            throw new IllegalArgumentException("maxPendingSegments must be >= 1, got " + maxPendingSegments);
        }
        if (!(maxBufferedSeconds > 0)) {
            throw new IllegalArgumentException("maxBufferedSeconds must be > 0, got " + maxBufferedSeconds);
        }
        if (interimIntervalMs < 0) {
            throw new IllegalArgumentException("interimIntervalMs must be >= 0, got " + interimIntervalMs);
        }
    }

    public SessionConfig withVad(VadOptions vad) {
        return new SessionConfig(vad, transcribe, maxPendingSegments, maxBufferedSeconds, interimIntervalMs);
    }

    public SessionConfig withTranscribe(TranscribeOptions t) {
        return new SessionConfig(vad, t, maxPendingSegments, maxBufferedSeconds, interimIntervalMs);
    }

    public SessionConfig withInterimIntervalMs(int ms) {
        return new SessionConfig(vad, transcribe, maxPendingSegments, maxBufferedSeconds, ms);
    }
}
