package dev.stt.whisper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import dev.stt.audio.WavReader;
import dev.stt.engine.Device;
import dev.stt.engine.EngineConfig;
import dev.stt.engine.SttEngine;
import dev.stt.engine.SttEngines;
import dev.stt.engine.TimedText;
import dev.stt.engine.TranscribeOptions;
import dev.stt.engine.Transcript;
import dev.stt.eval.SpeechCorpus;
import dev.stt.eval.TestData;
import dev.stt.model.ModelStore;
import dev.stt.onnx.LiveTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole Whisper path — log-mel, encoder, merged decoder with its KV cache, prompt, language detection,
 * suppression and timestamp rules, stop rules, guards, batching — on the scripted Whisper-shaped model.
 */
class WhisperEngineTest {

    static final TranscribeOptions PLAIN = TranscribeOptions.DEFAULTS;
    static final TranscribeOptions TIMED = TranscribeOptions.DEFAULTS.withTimestamps(true);
    /** The scripted model ends its silence babble with end-of-text at decoder position 30. */
    static final int LAST_POSITION = 30;

    static WhisperEngine engine;
    static float[] jfk;
    static float[] silence = new float[5 * 16_000];

    @BeforeAll
    static void open() throws IOException {
        engine = WhisperEngine.open("whisper-scripted", ScriptedWhisper.dir(), config(Device.CPU), WhisperGuards.DEFAULTS);
        jfk = WavReader.read(TestData.speechDir().resolve("jfk.wav")).toMono16k();
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    static EngineConfig config(Device device) {
        return EngineConfig.builder(ScriptedWhisper.dir().toString()).device(device).intraThreads(1)
                .store(new ModelStore(Path.of("target", "no-models"))).build();
    }

    @Test
    void speechWithTimestampsDetectsLanguageAndTimesSegments() {
        Transcript t = engine.transcribe(jfk, TIMED);
        assertNull(t.suppressed());
        assertEquals("de", t.language());
        // the model's raw first choice after " Hallo" is " world", listed in suppress_tokens: " Welt" follows instead
        assertEquals("Hallo Welt noch mal", t.text());
        assertEquals(List.of(new TimedText("Hallo Welt", 0.0, 1.0), new TimedText("noch mal", 1.0, 2.0)), t.segments());
        assertTrue(t.noSpeechProb() < 0.01, "no-speech probability " + t.noSpeechProb());
        assertTrue(t.avgLogProb() < 0 && t.avgLogProb() > -1, "avg log-prob " + t.avgLogProb());
        assertEquals(jfk.length / 16_000.0, t.end(), 1e-9);
    }

    /**
     * The scripted model computes no attention (it is a lookup table shaped like Whisper), so word times
     * cannot be had from it: timestamps still give the same text and segments, with no words, and the
     * failed graph edit is tried once and leaves nothing behind. The alignment itself is not verified on
     * Whisper here: no real Whisper weights are available.
     */
    @Test
    void anExportWithoutExplicitAttentionGivesNoWordsAndTheSameText() {
        Transcript t = engine.transcribe(jfk, TIMED);
        assertEquals("Hallo Welt noch mal", t.text());
        assertEquals(List.of(new TimedText("Hallo Welt", 0.0, 1.0), new TimedText("noch mal", 1.0, 2.0)), t.segments());
        assertEquals(List.of(), t.words());
        assertFalse(engine.attentionDecoderOpen());
        assertEquals(t.text(), engine.transcribe(jfk, TIMED).text());
        assertFalse(java.nio.file.Files.exists(ScriptedWhisper.dir().resolve("onnx").resolve(".derived")));
    }

    @Test
    void wordsAreSpaceLedTokensWithPunctuationAttachedAndTimestampsOutside() throws IOException {
        WhisperTokenizer tok = WhisperTokenizer.fromModelDir(ScriptedWhisper.dir());
        WhisperSpecialTokens s = tok.specialTokens();
        List<Long> ids = new ArrayList<>();
        ids.add((long) s.timestampBegin());
        for (int id : tok.encode(" Hallo Welt, noch")) {
            ids.add((long) id);
        }
        ids.add((long) s.timestampBegin() + 50);
        for (int id : tok.encode(" mal.")) {
            ids.add((long) id);
        }
        long[] tokens = ids.stream().mapToLong(Long::longValue).toArray();
        List<dev.stt.onnx.align.WordTimer.TokenWord> words = engine.tokenWords(tokens, 0);
        assertEquals(List.of("Hallo", "Welt,", "noch", "mal."), words.stream().map(dev.stt.onnx.align.WordTimer.TokenWord::text).toList());
        assertEquals(1, words.getFirst().from(), "the timestamp token belongs to no word");
        for (var w : words) {
            for (int i = w.from(); i < w.to(); i++) {
                assertFalse(s.isTimestamp(tokens[i]), "a timestamp inside " + w);
            }
        }
        // without the export's alignment_heads, openai/whisper's rule: every head of the second half of the layers
        assertEquals(List.of(List.of(2, 0), List.of(2, 1), List.of(3, 0), List.of(3, 1)),
                engine.alignmentHeads(4, 2).stream().map(h -> List.of(h[0], h[1])).toList());
    }

    @Test
    void speechWithoutTimestamps() {
        Transcript t = engine.transcribe(jfk, PLAIN);
        assertEquals("Hallo Welt noch mal", t.text());
        assertEquals(List.of(), t.segments());
        assertEquals("de", t.language());
    }

    @Test
    void givenLanguageIsForcedInsteadOfDetected() {
        Transcript t = engine.transcribe(jfk, PLAIN.withLanguage("fr"));
        assertEquals("fr", t.language());
        assertEquals("Hallo Welt noch mal", t.text());
        // the same sampled tokens score the same whether the language was given or detected
        Transcript detected = engine.transcribe(jfk, PLAIN);
        assertEquals("de", detected.language());
        assertEquals(detected.avgLogProb(), t.avgLogProb(), 1e-6);
        assertThrows(IllegalArgumentException.class, () -> engine.transcribe(jfk, PLAIN.withLanguage("klingon")));
    }

    @Test
    void silenceIsWithheldByTheNoSpeechGuard() {
        Transcript t = engine.transcribe(silence, PLAIN);
        assertEquals("", t.text());
        assertEquals("en", t.language());
        assertTrue(t.noSpeechProb() > 0.9, "no-speech probability " + t.noSpeechProb());
        assertTrue(t.avgLogProb() < -1.0, "avg log-prob " + t.avgLogProb());
        assertTrue(t.suppressed().startsWith("no speech"), t.suppressed());
    }

    @Test
    void repetitionIsWithheldAndTheCacheAdvancesOnePositionPerStep() throws IOException {
        try (WhisperEngine noSilenceGuard = WhisperEngine.open("whisper-scripted", ScriptedWhisper.dir(), config(Device.CPU),
                new WhisperGuards(Double.NaN, -1.0, 2.4));
             WhisperEngine unguarded = WhisperEngine.open("whisper-scripted", ScriptedWhisper.dir(), config(Device.CPU), WhisperGuards.NONE)) {
            Transcript guarded = noSilenceGuard.transcribe(silence, PLAIN);
            assertTrue(guarded.suppressed().startsWith("repetitive text"), guarded.suppressed());
            assertEquals("", guarded.text());

            // prompt: <|startoftranscript|> at 0, language, task, <|notimestamps|> at 1..3; babble from 4 to 30
            String babble = unguarded.transcribe(silence, PLAIN).text();
            assertEquals(LAST_POSITION - 3, babble.split(" ").length, babble);
            assertTrue(Arrays.stream(babble.split(" ")).allMatch("the"::equals), babble);
            assertTrue(WhisperGuards.compressionRatio(babble) > 2.4);

            // an initial prompt (<|startofprev|> + its tokens) moves everything later, so the babble is shorter
            int promptTokens = unguarded.tokenizer().encode(" Hallo").length;
            String shorter = unguarded.transcribe(silence, PLAIN.withPrompt("Hallo")).text();
            assertEquals(LAST_POSITION - 3 - promptTokens - 1, shorter.split(" ").length, shorter);
        }
    }

    @Test
    void initialPromptKeepsTheTranscript() {
        Transcript t = engine.transcribe(jfk, TIMED.withPrompt("Hallo Welt"));
        assertEquals("Hallo Welt noch mal", t.text());
        assertEquals(2, t.segments().size());
    }

    @Test
    void batchOfMixedSegmentsMatchesOneByOne() throws IOException {
        float[] libri = WavReader.read(TestData.speechDir().resolve("librispeech").resolve("1089-134686-0000.wav")).toMono16k();
        // 40 s: two 30 s chunks, speech then (after 30 s) silence
        float[] long40 = Arrays.copyOf(jfk, 40 * 16_000);
        List<float[]> batch = List.of(jfk, silence, libri, long40, new float[0]);
        long liveBefore = LiveTensors.live();
        List<Transcript> together = engine.transcribeBatch(batch, TIMED);
        assertEquals(liveBefore, LiveTensors.live(), "tensors left open");
        assertEquals(batch.size(), together.size());
        for (int i = 0; i < batch.size(); i++) {
            Transcript alone = engine.transcribe(batch.get(i), TIMED);
            assertEquals(alone, together.get(i), "segment " + i);
        }
        assertEquals("Hallo Welt noch mal", together.get(0).text());
        assertTrue(together.get(1).suppressed().startsWith("no speech"));
        assertEquals("Hallo Welt noch mal", together.get(2).text());
        assertEquals("Hallo Welt noch mal", together.get(3).text());
        assertEquals(40.0, together.get(3).end(), 1e-9);
        assertTrue(together.get(4).suppressed() != null, "empty audio is silence");
    }

    @Test
    void beamSearchFindsWhatGreedyMisses() {
        TranscribeOptions translate = TIMED.withTranslate(true);
        // greedy: the likeliest first timestamp, 0.50 s, leads into low-probability babble
        Transcript greedy = engine.transcribe(jfk, translate);
        assertTrue(greedy.text().isEmpty() || greedy.text().startsWith("the"), greedy.toString());
        Transcript beam = engine.transcribe(jfk, translate.withBeamSize(5));
        assertNull(beam.suppressed());
        assertEquals("Hallo Welt noch mal", beam.text());
        assertEquals(List.of(new TimedText("Hallo Welt", 0.0, 1.0), new TimedText("noch mal", 1.0, 2.0)), beam.segments());
        assertTrue(beam.avgLogProb() > -0.5, "avg log-prob " + beam.avgLogProb());
        // where greedy is already right, beam search agrees; batch rows match single calls
        long liveBefore = LiveTensors.live();
        List<Transcript> batch = engine.transcribeBatch(List.of(jfk, silence), TIMED.withBeamSize(5));
        assertEquals(liveBefore, LiveTensors.live(), "tensors left open");
        assertEquals(engine.transcribe(jfk, TIMED).text(), batch.get(0).text());
        assertEquals(engine.transcribe(jfk, TIMED).segments(), batch.get(0).segments());
        assertEquals("de", batch.get(0).language());
        assertEquals(engine.transcribe(silence, TIMED.withBeamSize(5)), batch.get(1));
        // (on silence the beams find a short, confident " mal<|2.00|>": mean log-prob above -1.0, so the
        // no-speech guard rightly lets it through even though the no-speech probability is high)
        assertEquals("en", batch.get(1).language());
        assertTrue(batch.get(1).noSpeechProb() > 0.9, batch.get(1).toString());
    }

    @Test
    void concurrentCallersShareOneEngine() throws Exception {
        Transcript speech = engine.transcribe(jfk, TIMED);
        Transcript quiet = engine.transcribe(silence, TIMED);
        try (java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3)) {
            List<java.util.concurrent.Future<Transcript>> futures = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                float[] audio = i % 2 == 0 ? jfk : silence;
                futures.add(pool.submit(() -> engine.transcribe(audio, TIMED)));
            }
            for (int i = 0; i < futures.size(); i++) {
                assertEquals(i % 2 == 0 ? speech : quiet, futures.get(i).get());
            }
        }
    }

    @Test
    void autoFallsBackToCpuAndCudaFailsClearly() throws IOException {
        assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA), "this machine has CUDA");
        try (WhisperEngine auto = WhisperEngine.open("whisper-scripted", ScriptedWhisper.dir(), config(Device.AUTO), WhisperGuards.DEFAULTS)) {
            assertEquals(Device.CPU, auto.device());
            assertEquals("Hallo Welt noch mal", auto.transcribe(jfk, PLAIN).text());
        }
        IOException e = assertThrows(IOException.class,
                () -> WhisperEngine.open("whisper-scripted", ScriptedWhisper.dir(), config(Device.CUDA), WhisperGuards.DEFAULTS));
        assertTrue(e.getMessage().contains("CUDA"), e.getMessage());
    }

    @Test
    void providerRunsLocalExportFoldersAndStoreLayout(@TempDir Path flat) throws IOException {
        assertTrue(SttEngines.provider(ScriptedWhisper.dir().toString()) instanceof WhisperEngineProvider);
        assertTrue(new WhisperEngineProvider().supports("whisper-base.en"));
        try (SttEngine viaSpi = SttEngines.open(config(Device.CPU))) {
            assertInstanceOf(WhisperEngine.class, viaSpi);
            assertEquals("Hallo Welt noch mal", viaSpi.transcribe(jfk, PLAIN).text());
        }
        // the model store keeps every file side by side
        try (Stream<Path> files = Files.walk(ScriptedWhisper.dir())) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                Files.copy(p, flat.resolve(p.getFileName().toString()));
            }
        }
        try (WhisperEngine e = WhisperEngine.open("whisper-flat", flat, config(Device.CPU), WhisperGuards.DEFAULTS)) {
            assertEquals("Hallo Welt noch mal", e.transcribe(jfk, PLAIN).text());
        }
    }

    @Test
    void brokenFoldersFailWithTheMissingFileNamed(@TempDir Path dir) throws IOException {
        IOException none = assertThrows(IOException.class, () -> WhisperEngine.open("x", dir, config(Device.CPU), WhisperGuards.DEFAULTS));
        assertTrue(none.getMessage().contains("encoder_model"), none.getMessage());
        Files.copy(ScriptedWhisper.dir().resolve("onnx/encoder_model.onnx"), dir.resolve("encoder_model.onnx"));
        Files.copy(ScriptedWhisper.dir().resolve("onnx/decoder_model_merged.onnx"), dir.resolve("decoder_model_merged.onnx"));
        IOException noTokenizer = assertThrows(IOException.class, () -> WhisperEngine.open("x", dir, config(Device.CPU), WhisperGuards.DEFAULTS));
        assertTrue(noTokenizer.getMessage().contains("tokenizer"), noTokenizer.getMessage());
        for (String f : List.of("vocab.json", "merges.txt", "added_tokens.json")) {
            Files.copy(ScriptedWhisper.dir().resolve(f), dir.resolve(f));
        }
        IOException noConfig = assertThrows(IOException.class, () -> WhisperEngine.open("x", dir, config(Device.CPU), WhisperGuards.DEFAULTS));
        assertTrue(noConfig.getMessage().contains("config.json"), noConfig.getMessage());
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"whisper\", \"num_mel_bins\": 80}");
        Files.copy(ScriptedWhisper.dir().resolve("onnx/encoder_model.onnx"), dir.resolve("decoder_model_merged.onnx"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        IOException notMerged = assertThrows(IOException.class, () -> WhisperEngine.open("x", dir, config(Device.CPU), WhisperGuards.DEFAULTS));
        assertTrue(notMerged.getMessage().contains("merged decoder"), notMerged.getMessage());
    }
}
