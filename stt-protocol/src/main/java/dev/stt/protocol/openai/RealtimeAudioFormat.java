package dev.stt.protocol.openai;

import dev.stt.audio.AudioFormatException;
import dev.stt.audio.G711;
import dev.stt.audio.Pcm16;

/**
 * The input audio formats of a Realtime transcription session, under both of their names: the GA
 * {@code audio.input.format.type} and the beta {@code input_audio_format}.
 */
public enum RealtimeAudioFormat {
    /** 16-bit little-endian mono at 24 kHz; the protocol fixes the rate, clients cannot change it. */
    PCM16("audio/pcm", "pcm16", 24_000, 2),
    G711_ULAW("audio/pcmu", "g711_ulaw", 8_000, 1),
    G711_ALAW("audio/pcma", "g711_alaw", 8_000, 1);

    private final String gaType;
    private final String betaName;
    private final int sampleRate;
    private final int bytesPerSample;

    RealtimeAudioFormat(String gaType, String betaName, int sampleRate, int bytesPerSample) {
        this.gaType = gaType;
        this.betaName = betaName;
        this.sampleRate = sampleRate;
        this.bytesPerSample = bytesPerSample;
    }

    public String gaType() {
        return gaType;
    }

    public String betaName() {
        return betaName;
    }

    public int sampleRate() {
        return sampleRate;
    }

    public int bytesPerSample() {
        return bytesPerSample;
    }

    /** Milliseconds of audio in {@code bytes} bytes of this format. */
    public double millis(long bytes) {
        return bytes / (double) bytesPerSample * 1000.0 / sampleRate;
    }

    /** Decodes a whole number of samples to floats in [-1, 1] at {@link #sampleRate()}. */
    public float[] decode(byte[] bytes, int offset, int length) {
        return switch (this) {
            case PCM16 -> decodePcm16(bytes, offset, length);
            case G711_ULAW -> G711.decodeMuLaw(bytes, offset, length);
            case G711_ALAW -> G711.decodeALaw(bytes, offset, length);
        };
    }

    private static float[] decodePcm16(byte[] bytes, int offset, int length) {
        try {
            return Pcm16.decode(bytes, offset, length);
        } catch (AudioFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    public static RealtimeAudioFormat fromGaType(String type) {
        for (RealtimeAudioFormat f : values()) {
            if (f.gaType.equals(type)) {
                return f;
            }
        }
        throw new RealtimeProtocolException("invalid_value", "session.audio.input.format.type",
                "unsupported audio format '" + type + "'; expected one of audio/pcm, audio/pcmu, audio/pcma");
    }

    public static RealtimeAudioFormat fromBetaName(String name) {
        for (RealtimeAudioFormat f : values()) {
            if (f.betaName.equals(name)) {
                return f;
            }
        }
        throw new RealtimeProtocolException("invalid_value", "session.input_audio_format",
                "unsupported input_audio_format '" + name + "'; expected one of pcm16, g711_ulaw, g711_alaw");
    }
}
