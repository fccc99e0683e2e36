package dev.stt.protocol.original;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stt.protocol.Json;
import dev.stt.protocol.ProtocolException;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The original protocol's messages, parsed and written, without a network. */
class OriginalProtocolTest {

    @Test
    void anAppendCarriesPcmAtItsRateAnd16kHzWhenNoneIsGiven() throws Exception {
        byte[] pcm = {1, 0, -1, -1};
        String b64 = Base64.getEncoder().encodeToString(pcm);
        ClientMessage.Append a = (ClientMessage.Append) OriginalProtocol.parse(
                "{\"type\":\"input_audio_buffer.append\",\"sample_rate\":44100,\"audio\":\"" + b64 + "\"}");
        assertEquals(44_100, a.sampleRate());
        assertArrayEquals(pcm, a.pcm());
        ClientMessage.Append d = (ClientMessage.Append) OriginalProtocol.parse("{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + b64 + "\"}");
        assertEquals(16_000, d.sampleRate());
        // integral floats are integers in JSON terms; the original's Python clients can send 16000.0
        assertEquals(16_000, ((ClientMessage.Append) OriginalProtocol.parse(
                "{\"type\":\"input_audio_buffer.append\",\"sample_rate\":16000.0,\"audio\":\"\"}")).sampleRate());
    }

    @Test
    void theExtensionsParse() throws Exception {
        assertInstanceOf(ClientMessage.Commit.class, OriginalProtocol.parse("{\"type\":\"input_audio_buffer.commit\"}"));
        assertInstanceOf(ClientMessage.Clear.class, OriginalProtocol.parse("{\"type\":\"input_audio_buffer.clear\"}"));
        assertEquals(false, ((ClientMessage.SessionUpdate) OriginalProtocol.parse("{\"type\":\"session.update\",\"echo_audio\":false}")).echoAudio());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "`{`|malformed JSON",
            "`\"append\"`|expected a JSON object, got string",
            "`{\"audio\":\"AAAA\"}`|missing 'type'",
            "`{\"type\":null}`|missing 'type'",
            "`{\"type\":[1]}`|'type' must be a string",
            "`{\"type\":\"hello\"}`|unknown event type 'hello'",
            "`{\"type\":\"input_audio_buffer.append\"}`|missing 'audio'",
            "`{\"type\":\"input_audio_buffer.append\",\"audio\":{}}`|'audio' must be a base64 string",
            "`{\"type\":\"input_audio_buffer.append\",\"audio\":\"AA=A\"}`|'audio' is not valid base64: '=' at position 2",
            "`{\"type\":\"input_audio_buffer.append\",\"audio\":\"AAAAAA\\u00e9A\"}`|'audio' is not valid base64: 'é' at position 6",
            "`{\"type\":\"input_audio_buffer.append\",\"audio\":\"AAAAA\"}`|'audio' is not valid base64: 5 characters",
            "`{\"type\":\"input_audio_buffer.append\",\"audio\":\"AAAA\"}`|even number of bytes, got 3",
            "`{\"type\":\"input_audio_buffer.append\",\"audio\":\"AA==\"}`|even number of bytes, got 1",
            "`{\"type\":\"input_audio_buffer.append\",\"sample_rate\":true,\"audio\":\"\"}`|'sample_rate' must be an integer number of Hz, got true",
            "`{\"type\":\"input_audio_buffer.append\",\"sample_rate\":22050.5,\"audio\":\"\"}`|'sample_rate' must be an integer number of Hz, got 22050.5",
            "`{\"type\":\"input_audio_buffer.append\",\"sample_rate\":48001,\"audio\":\"\"}`|between 8000 and 48000 Hz, got 48001",
            "`{\"type\":\"input_audio_buffer.append\",\"sample_rate\":-16000,\"audio\":\"\"}`|between 8000 and 48000 Hz, got -16000",
            "`{\"type\":\"input_audio_buffer.append\",\"sample_rate\":1e100,\"audio\":\"\"}`|between 8000 and 48000 Hz",
            "`{\"type\":\"session.update\",\"echo_audio\":0}`|'echo_audio' must be true or false",
    })
    void badMessagesAreRefusedWithAMessageThatSaysWhatIsWrong(String message, String expected) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> OriginalProtocol.parse(message));
        assertTrue(e.getMessage().contains(expected), "for " + message + ": expected \"" + expected + "\" in \"" + e.getMessage() + "\"");
    }

    @Test
    void anUnknownTypeIsQuotedShort() {
        String longType = "x".repeat(10_000);
        ProtocolException e = assertThrows(ProtocolException.class, () -> OriginalProtocol.parse("{\"type\":\"" + longType + "\"}"));
        assertTrue(e.getMessage().length() < 300, e.getMessage());
    }

    @Test
    void aTranscriptKeepsTheOriginalFieldsAndAddsTheSegmentsPlace() throws Exception {
        byte[] pcm = {0, 1, 2, 3};
        JsonNode m = Json.MAPPER.readTree(OriginalProtocol.transcriptDone("hello world", pcm, 3, 1200, 2500));
        assertEquals("response.audio_transcript.done", m.path("type").asText());
        assertEquals("hello world", m.path("transcript").asText());
        assertArrayEquals(pcm, Base64.getDecoder().decode(m.path("audio").asText()));
        assertEquals(16_000, m.path("sample_rate").asInt());
        assertEquals(3, m.path("segment_id").asLong());
        assertEquals(1200, m.path("start_ms").asLong());
        assertEquals(2500, m.path("end_ms").asLong());
        assertFalse(Json.MAPPER.readTree(OriginalProtocol.transcriptDone("x", null, 1, 0, 10)).has("audio"));
    }

    @Test
    void theNotInitializedErrorIsByteForByteTheOriginals() {
        assertEquals("{\"type\":\"error\",\"message\":\"Server models not initialized.\"}",
                OriginalProtocol.error(OriginalProtocol.MODELS_NOT_INITIALIZED));
    }
}
