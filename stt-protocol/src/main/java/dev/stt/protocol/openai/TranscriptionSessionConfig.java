package dev.stt.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a Realtime transcription session is set to. Starts at {@link #defaults(String)} and changes only
 * through {@code session.update} (GA) or {@code transcription_session.update} (beta); fields an update
 * leaves out keep their value, as in OpenAI's API.
 *
 * @param format        input audio format (pcm16 at 24 kHz)
 * @param model         transcription model name the client asked for (echoed; the server runs its own)
 * @param language      ISO-639-1 hint, or null
 * @param prompt        prompt text, or null
 * @param turnDetection server VAD settings, or null for manual commits only
 */
public record TranscriptionSessionConfig(RealtimeAudioFormat format, String model, String language, String prompt,
                                         TurnDetection turnDetection) {

    public static TranscriptionSessionConfig defaults(String model) {
        return new TranscriptionSessionConfig(RealtimeAudioFormat.PCM16, model, null, null,
                TurnDetection.SERVER_VAD_DEFAULTS);
    }

    /** Applies the {@code session} object of a GA {@code session.update}. */
    public TranscriptionSessionConfig withGaUpdate(JsonNode session) {
        requireObject(session, "session");
        JsonNode type = session.get("type");
        if (type != null && !type.isNull() && !"transcription".equals(type.asText())) {
            throw new RealtimeProtocolException("invalid_value", "session.type",
                    "this server runs transcription sessions only; session.type must be 'transcription', got '"
                            + type.asText() + "'");
        }
        TranscriptionSessionConfig c = this;
        JsonNode input = session.path("audio").path("input");
        if (input.isMissingNode() || input.isNull()) {
            return c;
        }
        requireObject(input, "session.audio.input");
        JsonNode format = input.get("format");
        if (format != null && !format.isNull()) {
            requireObject(format, "session.audio.input.format");
            RealtimeAudioFormat f = RealtimeAudioFormat.fromGaType(format.path("type").asText("audio/pcm"));
            JsonNode rate = format.get("rate");
            if (f == RealtimeAudioFormat.PCM16 && rate != null && !rate.isNull() && rate.asInt() != 24_000) {
                throw new RealtimeProtocolException("invalid_value", "session.audio.input.format.rate",
                        "audio/pcm is 24000 Hz in the Realtime API, got rate " + rate.asText());
            }
            c = c.withFormat(f);
        }
        c = c.withTranscription(input.get("transcription"), "session.audio.input.transcription");
        if (input.has("turn_detection")) {
            c = c.withTurnDetection(parseTurnDetection(input.get("turn_detection"), "session.audio.input.turn_detection"));
        }
        return c;
    }

    /** Applies the {@code session} object of a beta {@code transcription_session.update}. */
    public TranscriptionSessionConfig withBetaUpdate(JsonNode session) {
        requireObject(session, "session");
        TranscriptionSessionConfig c = this;
        JsonNode format = session.get("input_audio_format");
        if (format != null && !format.isNull()) {
            c = c.withFormat(RealtimeAudioFormat.fromBetaName(format.asText()));
        }
        c = c.withTranscription(session.get("input_audio_transcription"), "session.input_audio_transcription");
        if (session.has("turn_detection")) {
            c = c.withTurnDetection(parseTurnDetection(session.get("turn_detection"), "session.turn_detection"));
        }
        return c;
    }

    public TranscriptionSessionConfig withFormat(RealtimeAudioFormat f) {
        return new TranscriptionSessionConfig(f, model, language, prompt, turnDetection);
    }

    public TranscriptionSessionConfig withTurnDetection(TurnDetection t) {
        return new TranscriptionSessionConfig(format, model, language, prompt, t);
    }

    private TranscriptionSessionConfig withTranscription(JsonNode t, String param) {
        if (t == null || t.isNull()) {
            return this;
        }
        requireObject(t, param);
        return new TranscriptionSessionConfig(format,
                textOr(t, "model", model), textOr(t, "language", language), textOr(t, "prompt", prompt), turnDetection);
    }

    private static String textOr(JsonNode node, String field, String fallback) {
        JsonNode v = node.get(field);
        if (v == null) {
            return fallback;
        }
        return v.isNull() || v.asText().isEmpty() ? null : v.asText();
    }

    private static TurnDetection parseTurnDetection(JsonNode node, String param) {
        if (node == null || node.isNull()) {
            return null;
        }
        requireObject(node, param);
        String type = node.path("type").asText("server_vad");
        if (!"server_vad".equals(type) && !"semantic_vad".equals(type)) {
            throw new RealtimeProtocolException("invalid_value", param + ".type",
                    "turn_detection.type must be 'server_vad' or 'semantic_vad', got '" + type + "'");
        }
        // semantic_vad has no numeric knobs; the server VAD defaults are its closest equivalent
        TurnDetection d = TurnDetection.SERVER_VAD_DEFAULTS;
        return new TurnDetection(
                node.path("threshold").asDouble(d.threshold()),
                node.path("prefix_padding_ms").asInt(d.prefixPaddingMs()),
                node.path("silence_duration_ms").asInt(d.silenceDurationMs()));
    }

    private static void requireObject(JsonNode node, String param) {
        if (!node.isObject()) {
            throw new RealtimeProtocolException("invalid_type", param, param + " must be an object");
        }
    }

    /** The GA session object of {@code session.created} / {@code session.updated}. */
    public ObjectNode toGaJson(String sessionId) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode s = f.objectNode();
        s.put("type", "transcription");
        s.put("object", "realtime.transcription_session");
        s.put("id", sessionId);
        ObjectNode input = s.putObject("audio").putObject("input");
        ObjectNode fmt = input.putObject("format");
        fmt.put("type", format.gaType());
        if (format == RealtimeAudioFormat.PCM16) {
            fmt.put("rate", format.sampleRate());
        }
        input.set("transcription", transcriptionJson());
        input.set("turn_detection", turnDetectionJson());
        input.putNull("noise_reduction");
        s.putArray("include");
        return s;
    }

    /** The beta session object of {@code transcription_session.created} / {@code .updated}. */
    public ObjectNode toBetaJson(String sessionId) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode s = f.objectNode();
        s.put("id", sessionId);
        s.put("object", "realtime.transcription_session");
        s.putArray("modalities").add("text");
        s.put("input_audio_format", format.betaName());
        s.set("input_audio_transcription", transcriptionJson());
        s.set("turn_detection", turnDetectionJson());
        s.putNull("input_audio_noise_reduction");
        s.putArray("include");
        // no ephemeral keys here; the field is present because the beta type declares it
        ObjectNode secret = s.putObject("client_secret");
        secret.putNull("value");
        secret.put("expires_at", 0);
        return s;
    }

    private ObjectNode transcriptionJson() {
        ObjectNode t = JsonNodeFactory.instance.objectNode();
        t.put("model", model);
        t.put("language", language);
        t.put("prompt", prompt == null ? "" : prompt);
        return t;
    }

    private JsonNode turnDetectionJson() {
        if (turnDetection == null) {
            return JsonNodeFactory.instance.nullNode();
        }
        ObjectNode t = JsonNodeFactory.instance.objectNode();
        t.put("type", "server_vad");
        t.put("threshold", turnDetection.threshold());
        t.put("prefix_padding_ms", turnDetection.prefixPaddingMs());
        t.put("silence_duration_ms", turnDetection.silenceDurationMs());
        return t;
    }
}
