package dev.stt.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stt.engine.TimedText;
import dev.stt.engine.WordTiming;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TranscriptionResponseFormatTest {

    private static final TranscriptionResult RESULT = new TranscriptionResult("Hello there. General Kenobi.", "en", 3725.5,
            List.of(new TimedText("Hello there.", 0.25, 1.5), new TimedText("General Kenobi.", 3723.0, 3725.125)),
            List.of(new WordTiming(" Hello", 0.25, 0.6, 0.9)));

    @Test
    void jsonIsTextWithDurationUsage() throws Exception {
        JsonNode o = new ObjectMapper().readTree(TranscriptionResponseFormat.JSON.render(RESULT, false));
        assertEquals("Hello there. General Kenobi.", o.get("text").asText());
        assertEquals("duration", o.at("/usage/type").asText());
        assertEquals(3726, o.at("/usage/seconds").asLong());
    }

    @Test
    void textIsTheTranscriptAndANewline() {
        assertEquals("Hello there. General Kenobi.\n", TranscriptionResponseFormat.TEXT.render(RESULT, false));
    }

    @Test
    void srtNumbersCuesWithCommaMilliseconds() {
        assertEquals("""
                1
                00:00:00,250 --> 00:00:01,500
                Hello there.

                2
                01:02:03,000 --> 01:02:05,125
                General Kenobi.

                """, TranscriptionResponseFormat.SRT.render(RESULT, false));
    }

    @Test
    void vttHasAHeaderAndDotMilliseconds() {
        String vtt = TranscriptionResponseFormat.VTT.render(RESULT, false);
        assertTrue(vtt.startsWith("WEBVTT\n\n00:00:00.250 --> 00:00:01.500\nHello there.\n\n"), vtt);
        assertTrue(vtt.contains("01:02:03.000 --> 01:02:05.125\nGeneral Kenobi.\n"), vtt);
    }

    @Test
    void verboseJsonHasSegmentsLanguageNameAndWordsWhenAsked() throws Exception {
        ObjectMapper m = new ObjectMapper();
        JsonNode o = m.readTree(TranscriptionResponseFormat.VERBOSE_JSON.render(RESULT, true));
        assertEquals("transcribe", o.get("task").asText());
        assertEquals("english", o.get("language").asText());
        assertEquals(3725.5, o.get("duration").asDouble());
        assertEquals(2, o.get("segments").size());
        assertEquals(1, o.at("/segments/1/id").asInt());
        assertEquals(3723.0, o.at("/segments/1/start").asDouble());
        assertEquals("Hello", o.at("/words/0/word").asText());
        assertTrue(m.readTree(TranscriptionResponseFormat.VERBOSE_JSON.render(RESULT, false)).path("words").isMissingNode());
    }

    @Test
    void unknownFormatIsRefusedAndMissingMeansJson() {
        assertEquals(TranscriptionResponseFormat.JSON, TranscriptionResponseFormat.fromWireName(null));
        var e = assertThrows(IllegalArgumentException.class, () -> TranscriptionResponseFormat.fromWireName("xml"));
        assertTrue(e.getMessage().contains("xml"));
    }
}
