package dev.stt.protocol.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TranscriptionRequestTest {

    private static String refusedParam(Map<String, String> fields, List<String> granularities, boolean translate) {
        return assertThrows(InvalidRequestException.class, () -> TranscriptionRequest.parse(fields, granularities, translate)).param();
    }

    @Test
    void defaultsAreJsonAtTemperatureZeroWithoutStreaming() {
        TranscriptionRequest r = TranscriptionRequest.parse(Map.of("model", "whisper-1"), List.of(), false);
        assertEquals(TranscriptionResponseFormat.JSON, r.format());
        assertEquals(0, r.temperature());
        assertEquals("whisper-1", r.model());
        assertTrue(!r.stream() && !r.words() && !r.translate());
    }

    @Test
    void eachWrongFieldIsNamed() {
        assertEquals("temperature", refusedParam(Map.of("temperature", "abc"), List.of(), false));
        assertEquals("temperature", refusedParam(Map.of("temperature", "5"), List.of(), false));
        assertEquals("temperature", refusedParam(Map.of("temperature", "NaN"), List.of(), false));
        assertEquals("language", refusedParam(Map.of("language", "english"), List.of(), false));
        assertEquals("language", refusedParam(Map.of("language", "en"), List.of(), true));
        assertEquals("response_format", refusedParam(Map.of("response_format", "xml"), List.of(), false));
        assertEquals("timestamp_granularities", refusedParam(Map.of(), List.of("word"), false));
        assertEquals("timestamp_granularities", refusedParam(Map.of("response_format", "verbose_json"), List.of("char"), false));
        assertEquals("stream", refusedParam(Map.of("stream", "yes"), List.of(), false));
        assertEquals("stream", refusedParam(Map.of("stream", "true", "response_format", "srt"), List.of(), false));
    }

    @Test
    void wordsNeedVerboseJsonAndLanguageIsLowerCased() {
        TranscriptionRequest r = TranscriptionRequest.parse(Map.of("response_format", "verbose_json", "language", "EN",
                "temperature", "0.2", "stream", "false"), List.of("segment", "word"), false);
        assertTrue(r.words());
        assertEquals("en", r.language());
        assertEquals(0.2, r.temperature(), 1e-12);
    }

    @Test
    void aStreamedDeltaAndTheDoneEventAreServerSentEvents() {
        assertEquals("data: {\"type\":\"transcript.text.delta\",\"delta\":\" Hello\"}\n\n", TranscriptStreamEvents.delta(" Hello"));
        assertEquals("data: {\"type\":\"transcript.text.done\",\"text\":\"Hello\",\"usage\":{\"type\":\"duration\",\"seconds\":3}}\n\n",
                TranscriptStreamEvents.done("Hello", 2.2));
    }

    @Test
    void compressionRatioIsHighForRepeatedText() {
        assertTrue(TranscriptionResponseFormat.compressionRatio("the ".repeat(50)) > 2.4);
        assertTrue(TranscriptionResponseFormat.compressionRatio("And so my fellow Americans ask not what your country can do for you") < 1.5);
    }
}
