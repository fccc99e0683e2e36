package dev.stt.protocol.openai;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.Base64;

/** Parses client text frames into {@link RealtimeClientEvent}s; anything else is a {@link RealtimeProtocolException}. */
public final class RealtimeClientEvents {

    /** One append may carry up to 15 MiB of audio, as in OpenAI's API. */
    public static final int MAX_APPEND_AUDIO_BYTES = 15 * 1024 * 1024;
    /** The base64 text of the largest append, plus room for the JSON around it: the frame size limit. */
    public static final int MAX_FRAME_CHARS = (MAX_APPEND_AUDIO_BYTES + 2) / 3 * 4 + 64 * 1024;

    // Jackson's default 20 MB string cap is below a 15 MiB append in base64; the frame limit bounds it instead
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(MAX_FRAME_CHARS).build())
            .build());

    private RealtimeClientEvents() {
    }

    public static RealtimeClientEvent parse(String text) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new RealtimeProtocolException("invalid_json", null,
                    "the event is not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new RealtimeProtocolException("invalid_event", null, "an event must be a JSON object");
        }
        String eventId = node.hasNonNull("event_id") ? node.get("event_id").asText() : null;
        JsonNode type = node.get("type");
        if (type == null || !type.isTextual()) {
            throw new RealtimeProtocolException("invalid_event", "type", "the event has no 'type' string")
                    .forClientEvent(eventId);
        }
        try {
            return switch (type.asText()) {
                case "session.update" -> new RealtimeClientEvent.SessionUpdate(eventId, required(node, "session"), false);
                case "transcription_session.update" ->
                        new RealtimeClientEvent.SessionUpdate(eventId, required(node, "session"), true);
                case "input_audio_buffer.append" -> new RealtimeClientEvent.AudioAppend(eventId, audio(node));
                case "input_audio_buffer.commit" -> new RealtimeClientEvent.AudioCommit(eventId);
                case "input_audio_buffer.clear" -> new RealtimeClientEvent.AudioClear(eventId);
                default -> throw new RealtimeProtocolException("invalid_event", "type",
                        "unsupported event type '" + type.asText() + "' in a transcription session");
            };
        } catch (RealtimeProtocolException e) {
            throw e.forClientEvent(eventId);
        }
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isObject()) {
            throw new RealtimeProtocolException("missing_required_parameter", field,
                    "missing required object '" + field + "'");
        }
        return v;
    }

    private static byte[] audio(JsonNode node) {
        JsonNode a = node.get("audio");
        if (a == null || !a.isTextual()) {
            throw new RealtimeProtocolException("missing_required_parameter", "audio",
                    "input_audio_buffer.append needs 'audio', a base64 string");
        }
        if (a.asText().length() > (MAX_APPEND_AUDIO_BYTES + 2) / 3 * 4) {
            throw tooBig((long) a.asText().length() / 4 * 3);
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(a.asText());
        } catch (IllegalArgumentException e) {
            throw new RealtimeProtocolException("invalid_value", "audio", "'audio' is not valid base64: " + e.getMessage());
        }
        if (bytes.length > MAX_APPEND_AUDIO_BYTES) {
            throw tooBig(bytes.length);
        }
        return bytes;
    }

    private static RealtimeProtocolException tooBig(long bytes) {
        return new RealtimeProtocolException("invalid_value", "audio",
                "one append may carry at most 15 MiB of audio, got about " + bytes + " bytes");
    }
}
