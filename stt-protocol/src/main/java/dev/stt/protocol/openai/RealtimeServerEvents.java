package dev.stt.protocol.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes the server events of one transcription session as JSON text frames. Every event gets an
 * {@code event_id} unique across connections (a random per-connection stem plus a counter); item ids
 * are made the same way, so they never repeat within or across sessions.
 */
public final class RealtimeServerEvents {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String stem;
    private final AtomicLong nextEvent = new AtomicLong();
    private final AtomicLong nextItem = new AtomicLong();
    private final String sessionId;

    public RealtimeServerEvents() {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        this.stem = HexFormat.of().formatHex(b);
        this.sessionId = "sess_" + stem;
    }

    public String sessionId() {
        return sessionId;
    }

    /** A fresh conversation item id ({@code item_...}). */
    public String newItemId() {
        return "item_" + stem + Long.toString(nextItem.incrementAndGet(), 36);
    }

    private ObjectNode event(String type) {
        ObjectNode e = JSON.createObjectNode();
        e.put("type", type);
        e.put("event_id", "event_" + stem + Long.toString(nextEvent.incrementAndGet(), 36));
        return e;
    }

    /** {@code session.created} (GA) or {@code transcription_session.created} (beta). */
    public String sessionCreated(TranscriptionSessionConfig config, boolean beta) {
        return session(beta ? "transcription_session.created" : "session.created", config, beta);
    }

    public String sessionUpdated(TranscriptionSessionConfig config, boolean beta) {
        return session(beta ? "transcription_session.updated" : "session.updated", config, beta);
    }

    private String session(String type, TranscriptionSessionConfig config, boolean beta) {
        ObjectNode e = event(type);
        e.set("session", beta ? config.toBetaJson(sessionId) : config.toGaJson(sessionId));
        return write(e);
    }

    public String speechStarted(long audioStartMs, String itemId) {
        ObjectNode e = event("input_audio_buffer.speech_started");
        e.put("audio_start_ms", audioStartMs);
        e.put("item_id", itemId);
        return write(e);
    }

    public String speechStopped(long audioEndMs, String itemId) {
        ObjectNode e = event("input_audio_buffer.speech_stopped");
        e.put("audio_end_ms", audioEndMs);
        e.put("item_id", itemId);
        return write(e);
    }

    public String committed(String previousItemId, String itemId) {
        ObjectNode e = event("input_audio_buffer.committed");
        e.put("previous_item_id", previousItemId);
        e.put("item_id", itemId);
        return write(e);
    }

    public String cleared() {
        return write(event("input_audio_buffer.cleared"));
    }

    public String transcriptionDelta(String itemId, String delta) {
        ObjectNode e = event("conversation.item.input_audio_transcription.delta");
        e.put("item_id", itemId);
        e.put("content_index", 0);
        e.put("delta", delta);
        return write(e);
    }

    /** @param audioSeconds the item's audio, reported as duration usage (this server bills no tokens) */
    public String transcriptionCompleted(String itemId, String transcript, double audioSeconds) {
        ObjectNode e = event("conversation.item.input_audio_transcription.completed");
        e.put("item_id", itemId);
        e.put("content_index", 0);
        e.put("transcript", transcript);
        ObjectNode usage = e.putObject("usage");
        usage.put("type", "duration");
        usage.put("seconds", Math.round(audioSeconds * 1000) / 1000.0);
        return write(e);
    }

    public String transcriptionFailed(String itemId, String code, String message) {
        ObjectNode e = event("conversation.item.input_audio_transcription.failed");
        e.put("item_id", itemId);
        e.put("content_index", 0);
        ObjectNode err = e.putObject("error");
        err.put("type", "transcription_error");
        err.put("code", code);
        err.put("message", message);
        err.putNull("param");
        return write(e);
    }

    /** The nested {@code error} event for a refused client event. */
    public String error(RealtimeProtocolException refusal) {
        return error("invalid_request_error", refusal.code(), refusal.getMessage(), refusal.param(),
                refusal.clientEventId());
    }

    public String error(String type, String code, String message, String param, String clientEventId) {
        ObjectNode e = event("error");
        ObjectNode err = e.putObject("error");
        err.put("type", type);
        err.put("code", code);
        err.put("message", message);
        err.put("param", param);
        err.put("event_id", clientEventId);
        return write(e);
    }

    private static String write(ObjectNode e) {
        try {
            return JSON.writeValueAsString(e);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("a tree of plain values always serialises", ex);
        }
    }
}
