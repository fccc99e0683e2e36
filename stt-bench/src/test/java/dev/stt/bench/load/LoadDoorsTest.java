package dev.stt.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stt.bench.BenchClip;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The parsing the Realtime load path adds: --door, /metrics text, the 24 kHz tape, the session.update sent. */
class LoadDoorsTest {

    @Test
    void doorFlag() {
        assertEquals(List.of(Door.ORIGINAL), Door.parse(null));
        assertEquals(List.of(Door.ORIGINAL), Door.parse("original"));
        assertEquals(List.of(Door.REALTIME), Door.parse(" Realtime "));
        assertEquals(List.of(Door.ORIGINAL, Door.REALTIME), Door.parse("both"));
        assertThrows(IllegalArgumentException.class, () -> Door.parse("ws"));
    }

    @Test
    void metricsTextParsesLabelledCountersAndDeltas() {
        String before = """
                # HELP stt_interim_decodes_total interim decodes
                # TYPE stt_interim_decodes_total counter
                stt_interim_decodes_total{outcome="started",} 10.0
                stt_interim_decodes_total{outcome="skipped",} 2.0
                stt_early_decodes_total 3.0
                stt_inference_latency_seconds_bucket{le="0.005",} 1.0
                stt_sessions 4
                """;
        Map<String, Double> b = MetricsScrape.parse(before);
        assertEquals(10.0, b.get("stt_interim_decodes_total{outcome=started}"));
        assertEquals(3.0, b.get("stt_early_decodes_total"));
        assertEquals(1.0, b.get("stt_inference_latency_seconds_bucket{le=0.005}"));
        assertEquals(4.0, b.get("stt_sessions"));
        Map<String, Double> a = MetricsScrape.parse("""
                stt_interim_decodes_total{outcome="started"} 25
                stt_interim_decodes_total{outcome="reported"} 7 1700000000000
                stt_early_decodes_total 3.0
                """);
        Map<String, Double> d = MetricsScrape.delta(b, a);
        assertEquals(15.0, d.get("stt_interim_decodes_total{outcome=started}"));
        assertEquals(-2.0, d.get("stt_interim_decodes_total{outcome=skipped}"));
        assertEquals(7.0, d.get("stt_interim_decodes_total{outcome=reported}"));
        assertEquals(0.0, d.get("stt_interim_decodes_total{outcome=dropped}"));
        assertEquals(0.0, d.get("stt_early_decodes_total"));
    }

    @Test
    void realtimeTapeIs24kHzPcm16WithoutSampleRate() throws Exception {
        float[] samples = new float[4000]; // 250 ms at 16 kHz
        ClipTape tape = ClipTape.realtimeOf(List.of(new BenchClip("a.wav", samples, "hello there")), 100, 1500);
        ClipTape.Clip c = tape.clips().get(0);
        assertEquals("hello there", c.reference());
        assertEquals(0.25, c.seconds(), 1e-3);
        ObjectMapper json = new ObjectMapper();
        int total = 0;
        for (String msg : c.speech()) {
            JsonNode n = json.readTree(msg);
            assertEquals("input_audio_buffer.append", n.get("type").asText());
            assertFalse(n.has("sample_rate"));
            total += Base64.getDecoder().decode(n.get("audio").asText()).length / 2;
        }
        assertEquals(6000, total, "250 ms at 24 kHz");
        assertEquals(4800, Base64.getDecoder().decode(json.readTree(tape.silence()).get("audio").asText()).length);
    }

    @Test
    void sessionUpdateIsGaTranscriptionAtPcm24k() throws Exception {
        JsonNode n = new ObjectMapper().readTree(RealtimeStreamingClient.sessionUpdate(500));
        assertEquals("session.update", n.get("type").asText());
        JsonNode s = n.get("session");
        assertEquals("transcription", s.get("type").asText());
        assertEquals("audio/pcm", s.at("/audio/input/format/type").asText());
        assertEquals(24000, s.at("/audio/input/format/rate").asInt());
        assertEquals("server_vad", s.at("/audio/input/turn_detection/type").asText());
        assertEquals(500, s.at("/audio/input/turn_detection/silence_duration_ms").asInt());
        // the server's own parser takes it
        assertTrue(dev.stt.protocol.openai.TranscriptionSessionConfig.defaults("m").withGaUpdate(s).turnDetection() != null);
    }
}
