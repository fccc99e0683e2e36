package dev.stt.moonshine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stt.audio.WavReader;
import dev.stt.engine.SttEngine;
import dev.stt.engine.SttEngines;
import dev.stt.engine.Transcript;
import dev.stt.eval.SpeechCorpus;
import dev.stt.eval.TestData;
import dev.stt.eval.WordErrorRate;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Moonshine tiny on the real recordings in shared/data/speech, scored against their references. */
class MoonshineAccuracyTest {

    private static final Logger log = LoggerFactory.getLogger(MoonshineAccuracyTest.class);
    private static SttEngine engine;

    @BeforeAll
    static void open() throws Exception {
        engine = SttEngines.open("moonshine-tiny");
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    @Test
    void aggregateWordErrorRateOnTheSharedClipsIsAtMostFourPercent() throws Exception {
        List<SpeechCorpus.Clip> clips = SpeechCorpus.load(TestData.speechDir());
        assertTrue(clips.size() >= 10, "expected the 10 shared clips, found " + clips.size());
        WordErrorRate.Score total = new WordErrorRate.Score(0, 0);
        for (SpeechCorpus.Clip clip : clips) {
            Transcript t = engine.transcribe(WavReader.read(clip.wav()).toMono16k());
            WordErrorRate.Score s = WordErrorRate.score(clip.reference(), t.text());
            log.info("{}: wer {} | {}", clip.name(), String.format("%.3f", s.rate()), t.text());
            total = total.plus(s);
        }
        log.info("aggregate WER {} over {} words", total.rate(), total.referenceWords());
        assertTrue(total.rate() <= 0.04, "aggregate WER " + total.rate() + " is above 4%");
    }
}
