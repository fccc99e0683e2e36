package dev.stt.session;

/**
 * What a {@link TranscriptionSession} tells its door (a WebSocket protocol adapter). Speech events come
 * from the session's audio thread, results from inference workers (or from the audio thread, when an
 * early decode of the segment had already finished); each kind arrives in stream order,
 * and every {@link #segmentClosed} is followed by exactly one {@link #transcribed} or {@link #failed}.
 */
public interface SessionListener {

    default void speechStarted(long audioStartMs) {
    }

    default void speechStopped(long audioEndMs) {
    }

    default void segmentClosed(ClosedSegment segment) {
    }

    /**
     * A {@link TranscriptionSession#commit()} was carried out: every segment up to {@code lastSegmentId}
     * (0 when none has closed yet) is closed and will be answered, so a client that waits for that
     * answer knows it has the whole stream.
     */
    default void committed(long lastSegmentId) {
    }

    void transcribed(SegmentResult result);

    /**
     * What an interim decode heard in the utterance still open (when {@link SessionConfig#interimIntervalMs()}
     * asks for it), from an inference worker: the whole utterance so far, not a delta. Best effort: decodes
     * run only on idle workers, and one whose utterance has closed meanwhile is never reported, so this always
     * precedes the utterance's {@link #segmentClosed}.
     *
     * @param utteranceStartMs where the open utterance started, as its {@link #speechStarted} said
     * @param settled          what the decodes of this utterance have settled so far ({@link SettledText}):
     *                         it only grows, and the utterance's final transcript begins with it
     */
    default void interim(long utteranceStartMs, String text, String settled) {
    }

    void failed(ClosedSegment segment, String reason);

    /** Audio the session could not take (overload, bad input found late); the client must be told. */
    default void rejected(String reason) {
    }
}
