package dev.stt.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stt.bench.BenchClip;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClipTapeTest {

    @Test
    void chunksCarryTheClipAsPcm16InOrderAndSilenceRoundsUp() throws Exception {
        float[] samples = new float[4000]; // 250 ms: two full 100 ms chunks and a 50 ms one
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (i % 200 - 100) / 128f;
        }
        ClipTape tape = ClipTape.of(List.of(new BenchClip("a.wav", samples, "x")), 100, 1550);
        List<String> speech = tape.clips().get(0).speech();
        assertEquals(3, speech.size());
        assertEquals(16, tape.silenceChunks(), "1550 ms of silence is 16 chunks of 100 ms");
        ObjectMapper json = new ObjectMapper();
        int at = 0;
        for (String msg : speech) {
            JsonNode n = json.readTree(msg);
            assertEquals("input_audio_buffer.append", n.get("type").asText());
            assertEquals(16000, n.get("sample_rate").asInt());
            byte[] pcm = Base64.getDecoder().decode(n.get("audio").asText());
            for (int i = 0; i < pcm.length / 2; i++, at++) {
                short v = (short) ((pcm[2 * i] & 0xff) | (pcm[2 * i + 1] << 8));
                assertEquals(Math.round(samples[at] * 32768f), v);
            }
        }
        assertEquals(samples.length, at);
        byte[] silence = Base64.getDecoder().decode(json.readTree(tape.silence()).get("audio").asText());
        assertEquals(3200, silence.length);
    }

    @Test
    void silenceShorterThanAChunkIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> ClipTape.of(List.of(new BenchClip("a.wav", new float[1600], "x")), 100, 50));
    }
}
