package dev.stt.protocol.original;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stt.protocol.Json;
import dev.stt.protocol.ProtocolException;
import java.util.Base64;

/**
 * The protocol of the service this project replaces: JSON text frames over a WebSocket at {@code /}.
 * Field names and the not-initialized message are kept byte for byte; everything added is optional.
 */
public final class OriginalProtocol {

    /** Sent for every append while the models load or after they failed to load; clients match on it. */
    public static final String MODELS_NOT_INITIALIZED = "Server models not initialized.";
    public static final int DEFAULT_SAMPLE_RATE = 16_000;
    public static final int MIN_SAMPLE_RATE = 8_000;
    public static final int MAX_SAMPLE_RATE = 48_000;

    private OriginalProtocol() {
    }

    public static ClientMessage parse(String text) throws ProtocolException {
        ObjectNode event = Json.parseEvent(text);
        String type = event.get("type").textValue();
        return switch (type) {
            case "input_audio_buffer.append" -> append(event);
            case "input_audio_buffer.commit" -> new ClientMessage.Commit();
            case "input_audio_buffer.clear" -> new ClientMessage.Clear();
            case "session.update" -> new ClientMessage.SessionUpdate(flag(event, "echo_audio"), flag(event, "interim_results"),
                    flag(event, "words"));
            default -> throw new ProtocolException("unknown_event", "unknown event type '" + abbreviate(type)
                    + "' (expected input_audio_buffer.append, input_audio_buffer.commit, input_audio_buffer.clear or session.update)");
        };
    }

    private static Boolean flag(ObjectNode event, String name) throws ProtocolException {
        JsonNode v = event.get(name);
        if (v != null && !v.isBoolean()) {
            throw new ProtocolException("invalid_value", "'" + name + "' must be true or false");
        }
        return v == null ? null : v.booleanValue();
    }

    private static ClientMessage.Append append(ObjectNode event) throws ProtocolException {
        int rate = sampleRate(event.get("sample_rate"));
        byte[] pcm = Json.base64(event, "audio");
        if ((pcm.length & 1) != 0) {
            throw new ProtocolException("invalid_audio", "'audio' must be PCM16: an even number of bytes, got " + pcm.length);
        }
        return new ClientMessage.Append(pcm, rate);
    }

    /** Also used for binary frames, which carry PCM16 at the session's last rate. */
    public static int sampleRate(JsonNode v) throws ProtocolException {
        if (v == null || v.isNull()) {
            return DEFAULT_SAMPLE_RATE;
        }
        if (!v.isIntegralNumber() && !(v.isNumber() && v.asDouble() == Math.rint(v.asDouble()))) {
            throw new ProtocolException("invalid_sample_rate", "'sample_rate' must be an integer number of Hz, got " + abbreviate(v.toString()));
        }
        double hz = v.asDouble();
        if (hz < MIN_SAMPLE_RATE || hz > MAX_SAMPLE_RATE) {
            throw new ProtocolException("invalid_sample_rate", "'sample_rate' must be between " + MIN_SAMPLE_RATE + " and "
                    + MAX_SAMPLE_RATE + " Hz, got " + abbreviate(v.toString()));
        }
        return (int) hz;
    }

    /**
     * One closed segment's result. {@code audio} is the segment as the VAD cut it, PCM16 at 16 kHz (null
     * when the client turned the echo off); the extra fields never replace the original three.
     */
    public static String transcriptDone(String transcript, byte[] audio, long segmentId, long startMs, long endMs) {
        return transcriptDone(transcript, audio, segmentId, startMs, endMs, null);
    }

    /** The same with {@code words: [{word, start, end}]} (seconds on the stream's time line), when asked for. */
    public static String transcriptDone(String transcript, byte[] audio, long segmentId, long startMs, long endMs,
                                        java.util.List<dev.stt.engine.WordTiming> words) {
        ObjectNode o = Json.object();
        o.put("type", "response.audio_transcript.done");
        o.put("transcript", transcript);
        if (audio != null) {
            o.put("audio", Base64.getEncoder().encodeToString(audio));
        }
        o.put("sample_rate", DEFAULT_SAMPLE_RATE);
        o.put("segment_id", segmentId);
        o.put("start_ms", startMs);
        o.put("end_ms", endMs);
        if (words != null) {
            var list = o.putArray("words");
            for (dev.stt.engine.WordTiming w : words) {
                list.addObject().put("word", w.word().strip()).put("start", Math.round(w.start() * 1000) / 1000.0)
                        .put("end", Math.round(w.end() * 1000) / 1000.0);
            }
        }
        return Json.write(o);
    }

    /**
     * Interim text of the utterance still open (extension, only after {@code interim_results: true}): the
     * words two interim decodes agreed on since the last delta. Provisional: the segment's
     * {@code response.audio_transcript.done} is the transcript.
     */
    public static String transcriptDelta(String delta, long utteranceStartMs) {
        ObjectNode o = Json.object();
        o.put("type", "response.audio_transcript.delta");
        o.put("delta", delta);
        o.put("start_ms", utteranceStartMs);
        return Json.write(o);
    }

    /**
     * The answer to {@code input_audio_buffer.commit} (an extension, so original clients never see it):
     * the id of the last segment closed so far, 0 for none. The commit is complete once that segment's
     * result has arrived.
     */
    public static String committed(long lastSegmentId) {
        ObjectNode o = Json.object();
        o.put("type", "input_audio_buffer.committed");
        o.put("last_segment_id", lastSegmentId);
        return Json.write(o);
    }

    public static String error(String message) {
        ObjectNode o = Json.object();
        o.put("type", "error");
        o.put("message", message);
        return Json.write(o);
    }

    /** An error about one segment, so clients that count segments can match it. */
    public static String segmentError(String message, long segmentId) {
        ObjectNode o = Json.object();
        o.put("type", "error");
        o.put("message", message);
        o.put("segment_id", segmentId);
        return Json.write(o);
    }

    /** Client text quoted back is cut short: an error must not echo megabytes. */
    static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 61) + "...";
    }
}
