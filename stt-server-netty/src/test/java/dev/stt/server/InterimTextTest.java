package dev.stt.server;

import dev.stt.testkit.WsTestClient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stt.audio.Pcm16;
import dev.stt.eval.TestData;
import dev.stt.session.TranscriptionSession;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Interim text on the original door is an opt-in extension: a client that asks for it gets provisional
 * deltas while speech is open, each before its segment's result; a client that does not (every original
 * client) sees exactly the messages it always did. Real models, real socket, JFK at twice real time.
 */
class InterimTextTest {

    private static RunningServer server;
    private static float[] jfk;

    @BeforeAll
    static void start() throws Exception {
        server = RunningServer.withRealModels(RunningServer.testConfig());
        jfk = Speech.mono16k(TestData.jfkWav());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static List<JsonNode> streamAtTwiceRealTime(WsTestClient ws) throws Exception {
        int chunk = 1600; // 100 ms
        for (int at = 0; at < jfk.length; at += chunk) {
            ws.send(WsTestClient.append(Pcm16.encode(jfk, at, Math.min(chunk, jfk.length - at)), 16_000));
            Thread.sleep(50);
        }
        return ws.commitAndCollect();
    }

    @Test
    void aClientThatAsksGetsDeltasBeforeEachResultAndTheCountersMove() throws Exception {
        long started = TranscriptionSession.interimDecodes("started");
        long reported = TranscriptionSession.interimDecodes("reported");
        List<JsonNode> messages;
        try (WsTestClient ws = server.connect()) {
            ws.send("{\"type\":\"session.update\",\"interim_results\":true}");
            messages = streamAtTwiceRealTime(ws);
        }
        List<String> types = new ArrayList<>();
        messages.forEach(m -> types.add(m.get("type").asText()));
        assertTrue(types.contains("response.audio_transcript.delta"), "no interim text: " + types);
        assertEquals("response.audio_transcript.done", types.get(types.size() - 1), types.toString());
        // interim text is best effort (a busy worker skips it), but what is sent comes before its segment's result
        assertTrue(types.lastIndexOf("response.audio_transcript.delta") < types.lastIndexOf("response.audio_transcript.done"), types.toString());
        StringBuilder provisional = new StringBuilder();
        for (JsonNode m : messages) {
            if (m.get("type").asText().equals("response.audio_transcript.delta")) {
                provisional.append(m.get("delta").asText());
                assertTrue(m.get("start_ms").asLong() >= 0, m.toString());
            }
        }
        // provisional words two interim decodes agreed on; which ones depends on timing, that there are some does not
        assertTrue(!Speech.normalized(provisional.toString()).isBlank(), provisional.toString());
        assertTrue(TranscriptionSession.interimDecodes("started") > started, "interim decodes started");
        assertTrue(TranscriptionSession.interimDecodes("reported") > reported, "interim decodes reported");
    }

    @Test
    void aClientThatAsksForWordsGetsThemOnEachResultOnTheStreamsTimeLine() throws Exception {
        List<JsonNode> messages;
        try (WsTestClient ws = server.connect()) {
            ws.send("{\"type\":\"session.update\",\"words\":true}");
            messages = streamAtTwiceRealTime(ws);
        }
        int words = 0;
        for (JsonNode m : messages) {
            JsonNode list = m.path("words");
            assertTrue(list.isArray(), "asked for words: " + m);
            double from = m.get("start_ms").asLong() / 1000.0;
            double to = m.get("end_ms").asLong() / 1000.0;
            for (JsonNode w : list) {
                assertTrue(w.get("start").asDouble() >= from - 0.05 && w.get("end").asDouble() <= to + 0.05, w + " outside " + m);
                words++;
            }
        }
        assertTrue(words >= 18, "JFK's words: " + messages);
    }

    @Test
    void aClientThatDoesNotAskSeesOnlyTheOriginalMessages() throws Exception {
        List<JsonNode> messages;
        try (WsTestClient ws = server.connect()) {
            messages = streamAtTwiceRealTime(ws);
        }
        assertTrue(!messages.isEmpty());
        for (JsonNode m : messages) {
            assertEquals("response.audio_transcript.done", m.get("type").asText(), m.toString());
            assertTrue(!m.has("words"), "no words unless asked: " + m);
        }
    }
}
