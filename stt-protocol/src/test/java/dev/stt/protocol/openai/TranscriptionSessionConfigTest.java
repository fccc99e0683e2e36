package dev.stt.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stt.segment.VadOptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TranscriptionSessionConfigTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    @Test
    void defaultsArePcm16At24kWithServerVad() {
        var c = TranscriptionSessionConfig.defaults("moonshine-tiny");
        assertEquals(RealtimeAudioFormat.PCM16, c.format());
        assertEquals(24_000, c.format().sampleRate());
        assertEquals(new TurnDetection(0.5, 300, 500), c.turnDetection());
    }

    @Test
    void gaUpdateSetsFormatTranscriptionAndTurnDetection() throws Exception {
        var c = TranscriptionSessionConfig.defaults("m").withGaUpdate(json("""
                {"type":"transcription","audio":{"input":{"format":{"type":"audio/pcmu"},
                 "transcription":{"model":"gpt-4o-transcribe","language":"en","prompt":"names"},
                 "turn_detection":{"type":"server_vad","threshold":0.6,"prefix_padding_ms":200,"silence_duration_ms":700}}}}"""));
        assertEquals(RealtimeAudioFormat.G711_ULAW, c.format());
        assertEquals(8_000, c.format().sampleRate());
        assertEquals("gpt-4o-transcribe", c.model());
        assertEquals("en", c.language());
        assertEquals("names", c.prompt());
        assertEquals(new TurnDetection(0.6, 200, 700), c.turnDetection());
        VadOptions vad = c.turnDetection().toVadOptions(VadOptions.DEFAULTS);
        assertEquals(0.6, vad.threshold());
        assertEquals(200, vad.prefixPaddingMs());
        assertEquals(700, vad.silenceDurationMs());
    }

    @Test
    void nullTurnDetectionMeansManualCommitsAndOmittedFieldsKeepTheirValue() throws Exception {
        var c = TranscriptionSessionConfig.defaults("m")
                .withGaUpdate(json("{\"audio\":{\"input\":{\"format\":{\"type\":\"audio/pcma\"}}}}"))
                .withGaUpdate(json("{\"type\":\"transcription\",\"audio\":{\"input\":{\"turn_detection\":null}}}"));
        assertNull(c.turnDetection());
        assertEquals(RealtimeAudioFormat.G711_ALAW, c.format());
    }

    @Test
    void betaUpdateUsesTheBetaFieldNames() throws Exception {
        var c = TranscriptionSessionConfig.defaults("m").withBetaUpdate(json("""
                {"input_audio_format":"g711_ulaw","input_audio_transcription":{"model":"whisper-1","language":"de"},
                 "turn_detection":{"type":"server_vad","silence_duration_ms":300}}"""));
        assertEquals(RealtimeAudioFormat.G711_ULAW, c.format());
        assertEquals("whisper-1", c.model());
        assertEquals("de", c.language());
        assertEquals(new TurnDetection(0.5, 300, 300), c.turnDetection());
    }

    @Test
    void badValuesAreRefusedNamingTheField() throws Exception {
        var c = TranscriptionSessionConfig.defaults("m");
        assertEquals("session.input_audio_format", assertThrows(RealtimeProtocolException.class,
                () -> c.withBetaUpdate(json("{\"input_audio_format\":\"mp3\"}"))).param());
        assertEquals("session.audio.input.format.rate", assertThrows(RealtimeProtocolException.class,
                () -> c.withGaUpdate(json("{\"audio\":{\"input\":{\"format\":{\"type\":\"audio/pcm\",\"rate\":16000}}}}"))).param());
        assertEquals("session.type", assertThrows(RealtimeProtocolException.class,
                () -> c.withGaUpdate(json("{\"type\":\"realtime\"}"))).param());
        assertEquals("turn_detection.threshold", assertThrows(RealtimeProtocolException.class,
                () -> c.withGaUpdate(json("{\"audio\":{\"input\":{\"turn_detection\":{\"type\":\"server_vad\",\"threshold\":1.5}}}}"))).param());
    }

    @Test
    void sessionObjectsHaveTheGaAndBetaShapes() throws Exception {
        var c = TranscriptionSessionConfig.defaults("moonshine-tiny");
        JsonNode ga = c.toGaJson("sess_1");
        assertEquals("transcription", ga.get("type").asText());
        assertEquals("sess_1", ga.get("id").asText());
        assertEquals("audio/pcm", ga.at("/audio/input/format/type").asText());
        assertEquals(24000, ga.at("/audio/input/format/rate").asInt());
        assertEquals("moonshine-tiny", ga.at("/audio/input/transcription/model").asText());
        assertEquals("server_vad", ga.at("/audio/input/turn_detection/type").asText());
        assertEquals(300, ga.at("/audio/input/turn_detection/prefix_padding_ms").asInt());
        JsonNode beta = c.withTurnDetection(null).toBetaJson("sess_1");
        assertEquals("pcm16", beta.get("input_audio_format").asText());
        assertEquals("moonshine-tiny", beta.at("/input_audio_transcription/model").asText());
        assertEquals(true, beta.get("turn_detection").isNull());
        assertEquals("realtime.transcription_session", beta.get("object").asText());
    }
}
