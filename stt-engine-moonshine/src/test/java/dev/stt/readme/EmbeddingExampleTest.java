package dev.stt.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stt.audio.Resampler;
import dev.stt.audio.WavReader;
import dev.stt.engine.SttEngine;
import dev.stt.engine.SttEngines;
import dev.stt.eval.TestData;
import dev.stt.eval.TextNormalizer;
import dev.stt.session.SpeechStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's streaming example, as written there (between the markers), run against the real model and VAD:
 * JFK resampled to 48 kHz and fed in 20 ms pieces, as a microphone callback would.
 */
class EmbeddingExampleTest {

    @Test
    void theReadmeStreamingExampleTranscribesJfk() throws Exception {
        float[] jfk48k = Resampler.resample(WavReader.read(TestData.jfkWav()).toMono16k(), 16_000, 48_000);
        List<String> heard = new ArrayList<>();

        // README streaming example: begin
        try (SttEngine engine = SttEngines.open("moonshine-tiny");
             SpeechStream stream = SpeechStream.open(engine, transcript -> heard.add(transcript.text()))) {
            for (int at = 0; at < jfk48k.length; at += 960) {            // 20 ms at 48 kHz, as a microphone delivers it
                float[] chunk = java.util.Arrays.copyOfRange(jfk48k, at, Math.min(jfk48k.length, at + 960));
                stream.accept(chunk, 48_000);
            }
        }                                                                 // close() waits for the last transcript
        // README streaming example: end

        String all = TextNormalizer.normalize(String.join(" ", heard));
        assertTrue(heard.size() >= 1, "no transcript");
        // live streaming cuts at JFK's 960 ms pause (the 500 ms silence window), so only whole phrases are asserted
        assertTrue(all.startsWith("and so my fellow americans"), all);
        assertTrue(all.contains("what your country can do for you"), all);
        assertTrue(all.endsWith("what you can do for your country"), all);
    }

    @Test
    void theReadmeShowsTheExampleThatThisTestRuns() throws Exception {
        String readme = Files.readString(TestData.repoDir().resolve("README.md"));
        String source = Files.readString(TestData.repoDir().resolve(
                "stt-engine-moonshine/src/test/java/dev/stt/readme/EmbeddingExampleTest.java"));
        String begin = "// README streaming example: begin\n";
        String tested = source.substring(source.indexOf(begin) + begin.length(),
                source.indexOf("        // README streaming example: end")).stripIndent().strip();
        // compared with whitespace folded, so indenting or aligning comments differently is no difference
        assertTrue(readme.replaceAll("\\s+", " ").contains(tested.replaceAll("\\s+", " ")), "README.md must show the streaming example exactly as tested:\n" + tested);
    }

    @Test
    void closingAStreamThatHeardNothingReturnsAtOnceWithNoTranscript() throws Exception {
        List<String> heard = new ArrayList<>();
        try (SttEngine engine = SttEngines.open("moonshine-tiny");
             SpeechStream stream = SpeechStream.open(engine, t -> heard.add(t.text()))) {
            stream.accept(new float[16_000], 16_000);
        }
        assertEquals(List.of(), heard);
    }
}
