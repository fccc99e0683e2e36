package dev.stt.moonshine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stt.audio.WavReader;
import dev.stt.engine.EngineConfig;
import dev.stt.engine.SttEngine;
import dev.stt.engine.SttEngines;
import dev.stt.engine.TranscribeOptions;
import dev.stt.engine.Transcript;
import dev.stt.engine.WordTiming;
import dev.stt.eval.SpeechCorpus;
import dev.stt.eval.TestData;
import dev.stt.onnx.LiveTensors;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A decode that continues earlier ones (what a streaming session asks for): the prefix a client was shown
 * is kept as given, and a draft the model agrees with is checked in one decoder run instead of a run per
 * token. Real model, the repo's ten clips; cost is counted in ONNX runs, not time.
 */
class MoonshineContinuationTest {

    private static final Logger log = LoggerFactory.getLogger(MoonshineContinuationTest.class);
    private static SttEngine engine;
    private static List<float[]> audio;
    private static float[] jfk;

    @BeforeAll
    static void open() throws Exception {
        engine = SttEngines.open(EngineConfig.builder("moonshine-tiny").intraThreads(1).build());
        audio = new ArrayList<>();
        for (SpeechCorpus.Clip c : SpeechCorpus.load(TestData.speechDir())) {
            audio.add(WavReader.read(c.wav()).toMono16k());
        }
        jfk = WavReader.read(TestData.jfkWav()).toMono16k();
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    private record Counted(Transcript transcript, long runs) {
    }

    private static Counted counted(float[] samples, TranscribeOptions options) {
        long before = LiveTensors.runs();
        Transcript t = engine.transcribe(samples, options);
        return new Counted(t, LiveTensors.runs() - before);
    }

    @Test
    void aDraftTheModelAgreesWithCostsOneDecoderRunAndChangesNothing() {
        int same = 0;
        long freeRuns = 0;
        long draftedRuns = 0;
        for (float[] clip : audio) {
            Counted free = counted(clip, TranscribeOptions.DEFAULTS);
            Counted drafted = counted(clip, TranscribeOptions.DEFAULTS.continuing(null, free.transcript().text()));
            log.info("{} runs free, {} with the draft: '{}' / '{}'", free.runs(), drafted.runs(), free.transcript().text(),
                    drafted.transcript().text());
            if (drafted.transcript().text().equals(free.transcript().text())) {
                same++;
                freeRuns += free.runs();
                draftedRuns += drafted.runs();
                // the encoder, then one decoder run that agrees with every token and chooses the end of text
                assertEquals(2, drafted.runs(), drafted.transcript().text());
            }
        }
        // one run over all positions is not bit-identical to a run a token: a near tie (a comma) may go the other way
        assertTrue(same >= audio.size() - 1, same + " of " + audio.size() + " drafted decodes equal the free ones");
        assertTrue(draftedRuns * 5 < freeRuns, draftedRuns + " runs with drafts, " + freeRuns + " without");
    }

    @Test
    void aDraftTheModelRefusesIsDecodedAsWithout() {
        String free = engine.transcribe(jfk).text();
        Counted wrong = counted(jfk, TranscribeOptions.DEFAULTS.continuing(null, "Hello there, everybody in the room"));
        assertEquals(free, wrong.transcript().text());
        // the refused draft's cache is cut back before decoding goes on: a token still costs a run
        assertTrue(wrong.runs() > 10, wrong.runs() + " runs");
        // agreeing with the first half only: that half costs nothing, the rest a run a token
        String half = free.substring(0, free.indexOf("ask not")) + "tell me why";
        Counted partly = counted(jfk, TranscribeOptions.DEFAULTS.continuing(null, half));
        assertEquals(free, partly.transcript().text());
        assertTrue(partly.runs() < wrong.runs(), partly.runs() + " runs against " + wrong.runs());
    }

    @Test
    void aPrefixIsKeptAsGivenAndOnlyTheRestIsDecoded() {
        String free = engine.transcribe(jfk).text();
        assertTrue(free.startsWith("And so, my fellow Americans"), free);
        Counted agreed = counted(jfk, TranscribeOptions.DEFAULTS.continuing("And so, my fellow Americans,", null));
        assertEquals(free, agreed.transcript().text());
        Transcript forced = engine.transcribe(jfk, TranscribeOptions.DEFAULTS.continuing("Hello there,", null));
        assertTrue(forced.text().startsWith("Hello there,"), forced.text());
        assertTrue(forced.text().contains("country"), forced.text());
    }

    @Test
    void wordTimesCoverTheForcedWordsToo() {
        TranscribeOptions timed = TranscribeOptions.DEFAULTS.withTimestamps(true);
        Transcript free = engine.transcribe(jfk, timed);
        String text = free.text();
        Transcript continued = engine.transcribe(jfk, timed.continuing(text.substring(0, text.indexOf("ask what")), text));
        assertEquals(text, continued.text());
        List<WordTiming> a = free.words();
        List<WordTiming> b = continued.words();
        assertEquals(a.size(), b.size(), b.toString());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).word(), b.get(i).word());
            assertEquals(a.get(i).start(), b.get(i).start(), 0.1, a.get(i) + " vs " + b.get(i));
            assertEquals(a.get(i).end(), b.get(i).end(), 0.1, a.get(i) + " vs " + b.get(i));
        }
    }

    /**
     * A provisional decode of a turn's first 2 s (interim text): at most its token budget past the prefix, its
     * sure text a run of whole words the plain decode of the whole clip begins with, the rest in its unsure
     * tail; on noise it is sure of nothing.
     */
    @Test
    void aProvisionalDecodeStaysWithinItsBudgetAndIsSureOnlyOfWordsMoreAudioKeeps() {
        assertTrue(engine.decodesProvisionally());
        int sureWords = 0;
        for (float[] clip : audio) {
            String whole = engine.transcribe(clip, TranscribeOptions.DEFAULTS).text();
            float[] start = java.util.Arrays.copyOf(clip, 32_000);
            Counted p = counted(start, TranscribeOptions.DEFAULTS.provisional(5));
            Counted plain = counted(start, TranscribeOptions.DEFAULTS);
            Transcript t = p.transcript();
            assertTrue(p.runs() <= 1 + 5, p.runs() + " runs: the encoder and at most one run a token of the budget");
            assertTrue(p.runs() <= plain.runs(), p.runs() + " runs against " + plain.runs() + " for a decode to end of text");
            String sure = normalized(t.text());
            assertTrue(normalized(whole).startsWith(sure), "'" + t.text() + "' is not how '" + whole + "' begins");
            assertTrue(!t.unsureTail().isEmpty() || t.text().isEmpty(), "the last word waits: " + t);
            assertEquals(t.wholeText(), (t.text() + " " + t.unsureTail()).strip());
            sureWords += sure.isEmpty() ? 0 : sure.split(" ").length;
        }
        assertTrue(sureWords >= audio.size(), sureWords + " sure words over " + audio.size() + " clips");

        java.util.Random random = new java.util.Random(7);
        float[] noise = new float[32_000];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) (random.nextGaussian() * 0.1);
        }
        assertEquals("", engine.transcribe(noise, TranscribeOptions.DEFAULTS.provisional(5)).text(), "sure of nothing in noise");

        // the prefix a client was shown is kept, however unsure the model is of it
        Transcript forced = engine.transcribe(java.util.Arrays.copyOf(jfk, 32_000),
                TranscribeOptions.DEFAULTS.continuing("Hello there", null).provisional(4));
        assertTrue(forced.text().startsWith("Hello there"), forced.toString());
    }

    /** Lower case, words only: a provisional decode cut mid-sentence ends it with a full stop the whole one does not have. */
    private static String normalized(String text) {
        return text.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z' ]", "").replaceAll("\\s+", " ").strip();
    }
}
