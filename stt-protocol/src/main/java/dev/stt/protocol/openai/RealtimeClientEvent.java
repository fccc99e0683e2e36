package dev.stt.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The client events a transcription session understands. {@code eventId} is the client's optional
 * {@code event_id}, echoed in any error the event causes.
 */
public sealed interface RealtimeClientEvent {

    String eventId();

    /** {@code session.update} (GA, {@code beta == false}) or {@code transcription_session.update}. */
    record SessionUpdate(String eventId, JsonNode session, boolean beta) implements RealtimeClientEvent {
        public TranscriptionSessionConfig applyTo(TranscriptionSessionConfig config) {
            return beta ? config.withBetaUpdate(session) : config.withGaUpdate(session);
        }
    }

    /** {@code input_audio_buffer.append}: {@code audio} is already base64-decoded. */
    record AudioAppend(String eventId, byte[] audio) implements RealtimeClientEvent {
    }

    record AudioCommit(String eventId) implements RealtimeClientEvent {
    }

    record AudioClear(String eventId) implements RealtimeClientEvent {
    }
}
