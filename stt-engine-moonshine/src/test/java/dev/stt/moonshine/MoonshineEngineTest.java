package dev.stt.moonshine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stt.audio.WavReader;
import dev.stt.engine.SttEngine;
import dev.stt.engine.SttEngines;
import dev.stt.engine.TranscribeOptions;
import dev.stt.engine.Transcript;
import dev.stt.eval.SpeechCorpus;
import dev.stt.eval.TestData;
import dev.stt.eval.TextNormalizer;
import dev.stt.eval.WordErrorRate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The engine on real speech and on signals that hold none. */
class MoonshineEngineTest {

    private static final Logger log = LoggerFactory.getLogger(MoonshineEngineTest.class);
    private static final int RATE = SttEngine.SAMPLE_RATE;
    private static SttEngine engine;
    private static List<SpeechCorpus.Clip> clips;
    private static List<float[]> audio;

    @BeforeAll
    static void open() throws Exception {
        engine = SttEngines.open("moonshine-tiny");
        clips = SpeechCorpus.load(TestData.speechDir());
        audio = new ArrayList<>();
        for (SpeechCorpus.Clip c : clips) {
            audio.add(WavReader.read(c.wav()).toMono16k());
        }
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    @Test
    void silenceNoiseAndAToneGiveEmptyTranscripts() {
        float[] silence = new float[3 * RATE];
        float[] noise = new float[3 * RATE];
        Random random = new Random(42);
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) (0.1 * random.nextGaussian());
        }
        float[] tone = new float[3 * RATE];
        for (int i = 0; i < tone.length; i++) {
            tone[i] = (float) (0.3 * Math.sin(2 * Math.PI * 440 * i / RATE));
        }
        for (float[] signal : List.of(silence, noise, tone)) {
            Transcript t = engine.transcribe(signal);
            log.info("non-speech: text '{}', suppressed {}, avg log-prob {}, no-speech {}", t.text(), t.suppressed(),
                    t.avgLogProb(), t.noSpeechProb());
            assertEquals("", t.text(), "suppressed: " + t.suppressed());
            assertTrue(t.suppressed() != null, "an empty transcript says why");
        }
    }

    @Test
    void speechBehindASecondOfSilenceIsKept() {
        // leading silence makes Moonshine favour ending at once (p up to 0.96): the no-speech guard must
        // still keep these words, whose average log-probability stays high
        WordErrorRate.Score total = new WordErrorRate.Score(0, 0);
        for (int i = 0; i < clips.size(); i++) {
            float[] s = audio.get(i);
            float[] padded = new float[s.length + 3 * RATE];
            System.arraycopy(s, 0, padded, RATE, s.length);
            Transcript t = engine.transcribe(padded);
            log.info("padded {}: no-speech {}, avg log-prob {}: {}", clips.get(i).name(), t.noSpeechProb(), t.avgLogProb(), t.text());
            assertEquals(null, t.suppressed(), clips.get(i).name());
            total = total.plus(WordErrorRate.score(clips.get(i).reference(), t.text()));
        }
        assertTrue(total.rate() <= 0.05, "aggregate WER behind silence " + total.rate());
    }

    @Test
    void anEmptySegmentHasAnEmptyTranscript() {
        Transcript t = engine.transcribe(new float[0]);
        assertEquals("", t.text());
        assertEquals(0, t.end());
    }

    @Test
    void aBatchOfEveryClipComesBackInOrderAndAsAccurate() {
        List<Transcript> batch = engine.transcribeBatch(audio, TranscribeOptions.DEFAULTS);
        assertEquals(clips.size(), batch.size());
        WordErrorRate.Score total = new WordErrorRate.Score(0, 0);
        for (int i = 0; i < clips.size(); i++) {
            Transcript t = batch.get(i);
            assertEquals(audio.get(i).length / (double) RATE, t.end(), 1e-9, "results out of order at " + i);
            total = total.plus(WordErrorRate.score(clips.get(i).reference(), t.text()));
            log.info("batched {}: {}", clips.get(i).name(), t.text());
        }
        log.info("batched aggregate WER {}", total.rate());
        assertTrue(total.rate() <= 0.04, "aggregate WER of the batched run " + total.rate());
    }

    @Test
    void equalLengthRowsInOneBatchMatchSingleRuns() {
        float[] a = audio.get(0);
        float[] b = new float[a.length];
        float[] other = audio.get(1);
        System.arraycopy(other, 0, b, 0, Math.min(other.length, b.length));
        List<Transcript> batch = engine.transcribeBatch(List.of(a, b, a), TranscribeOptions.DEFAULTS);
        // batched kernels round differently, which can flip a near-tie comma: compare the words
        assertEquals(words(engine.transcribe(a)), words(batch.get(0)));
        assertEquals(words(engine.transcribe(b)), words(batch.get(1)));
        assertEquals(batch.get(0).text(), batch.get(2).text());
        assertTrue(batch.get(0).avgLogProb() < 0);
    }

    private static String words(Transcript t) {
        return TextNormalizer.normalize(t.text());
    }
}
