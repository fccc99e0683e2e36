package dev.stt.protocol.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The server-sent events of a streamed transcription ({@code stream=true}), as OpenAI sends them: a
 * {@code transcript.text.delta} per transcribed piece, then one {@code transcript.text.done} whose text is
 * exactly the deltas joined.
 */
public final class TranscriptStreamEvents {

    public static final String CONTENT_TYPE = "text/event-stream; charset=utf-8";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TranscriptStreamEvents() {
    }

    /** {@code data: {"type":"transcript.text.delta","delta":"…"}} and the blank line that ends an event. */
    public static String delta(String text) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("type", "transcript.text.delta");
        o.put("delta", text);
        return event(o);
    }

    /** The closing event: the whole text and the audio's duration as usage. */
    public static String done(String text, double durationSeconds) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("type", "transcript.text.done");
        o.put("text", text);
        ObjectNode u = o.putObject("usage");
        u.put("type", "duration");
        u.put("seconds", (long) Math.ceil(durationSeconds));
        return event(o);
    }

    /** An {@code error} event for a failure after the stream began (the status line was already sent). */
    public static String error(String errorJson) {
        return "event: error\ndata: " + errorJson + "\n\n";
    }

    private static String event(ObjectNode o) {
        return "data: " + o + "\n\n";
    }
}
