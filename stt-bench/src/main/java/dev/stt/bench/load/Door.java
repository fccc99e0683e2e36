package dev.stt.bench.load;

import java.util.List;

/** Which WebSocket protocol a load step's callers speak. */
public enum Door {
    /** {@code /}: protocol.md §1, 16 kHz appends with {@code sample_rate}, {@code response.audio_transcript.done}. */
    ORIGINAL("original"),
    /** {@code /v1/realtime}: GA {@code session.update} (transcription, audio/pcm 24 kHz, server VAD). */
    REALTIME("realtime");

    private final String label;

    Door(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** {@code --door original|realtime|both}: the doors each client count runs, in that order. */
    public static List<Door> parse(String flag) {
        String f = flag == null ? "original" : flag.strip().toLowerCase(java.util.Locale.ROOT);
        return switch (f) {
            case "original" -> List.of(ORIGINAL);
            case "realtime" -> List.of(REALTIME);
            case "both" -> List.of(ORIGINAL, REALTIME);
            default -> throw new IllegalArgumentException("--door is original, realtime or both, got '" + flag + "'");
        };
    }
}
