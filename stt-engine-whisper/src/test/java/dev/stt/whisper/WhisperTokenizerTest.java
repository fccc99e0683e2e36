package dev.stt.whisper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WhisperTokenizerTest {

    static final List<String> TEXTS = List.of(
            "And so my fellow Americans, ask not what your country can do for you.",
            "  Leading spaces, trailing  ", "It's 3.14 o'clock; we'll see — won't we?",
            "我们的国家需要你", "Спросите, что вы можете сделать для своей страны.", "Hello 👋🏽 world 🌍!",
            "日本語とEnglishのmix, ελληνικά");

    static WhisperTokenizer english;
    static WhisperTokenizer multilingual;

    @BeforeAll
    static void load() throws IOException {
        english = WhisperTokenizer.fromTiktoken(dev.stt.eval.TestData.whisperDir().resolve("gpt2.tiktoken"), 99);
        multilingual = WhisperTokenizer.fromTiktoken(dev.stt.eval.TestData.whisperDir().resolve("multilingual.tiktoken"), 99);
    }

    @Test
    void knownGpt2Ids() {
        // GPT-2's published ids: "Hello" 15496, " world" 995, " the" 262
        assertArrayEquals(new int[] {15496, 995}, english.encode("Hello world"));
        assertArrayEquals(new int[] {262}, english.encode(" the"));
        assertEquals("Hello world", english.decode(new long[] {15496, 995}));
    }

    @Test
    void specialTokensFollowOpenAiOrder() {
        WhisperSpecialTokens en = english.specialTokens();
        assertEquals(50256, en.endOfText());
        assertEquals(50257, en.startOfTranscript());
        assertEquals(50358, en.transcribe());
        assertEquals(50362, en.noTimestamps());
        assertEquals(50363, en.timestampBegin());
        WhisperSpecialTokens ml = multilingual.specialTokens();
        assertEquals(50257, ml.endOfText());
        assertEquals(50258, ml.startOfTranscript());
        assertEquals(50259, ml.languages().get("en"));
        assertEquals(50260, ml.languages().get("zh"));
        assertEquals(50358, ml.translate());
        assertEquals(50359, ml.transcribe());
        assertEquals(50361, ml.startOfPrev());
        assertEquals(50362, ml.noSpeech());
        assertEquals(50363, ml.noTimestamps());
        assertEquals(50364, ml.timestampBegin());
        assertEquals("<|30.00|>", multilingual.specialName(50364 + 1500));
        assertEquals(1.5, ml.secondsOf(50364 + 75), 1e-9);
        assertEquals("de", ml.languageOf(ml.languages().get("de")));
        assertEquals(100, WhisperLanguages.CODES.size());
        WhisperTokenizer v3 = assertDoesNotThrowIo(() -> WhisperTokenizer.fromTiktoken(dev.stt.eval.TestData.whisperDir().resolve("multilingual.tiktoken"), 100));
        assertEquals(50365, v3.specialTokens().timestampBegin());
        assertEquals(50358, v3.specialTokens().languages().get("yue"));
    }

    @Test
    void roundTripsEnglishAndNonLatinText() {
        for (WhisperTokenizer t : List.of(english, multilingual)) {
            for (String text : TEXTS) {
                int[] ids = t.encode(text);
                assertTrue(ids.length > 0);
                assertEquals(text, t.decode(Arrays.stream(ids).asLongStream().toArray()), text);
            }
        }
    }

    @Test
    void decodingAgreesWithRankFileAndSkipsSpecials() throws IOException {
        List<String> lines = Files.readAllLines(dev.stt.eval.TestData.whisperDir().resolve("multilingual.tiktoken"), StandardCharsets.UTF_8);
        int checked = 0;
        for (int i = 0; i < lines.size(); i += 13) {
            String[] p = lines.get(i).split(" ");
            assertArrayEquals(p[0].equals("=") ? new byte[0] : Base64.getDecoder().decode(p[0]), multilingual.bytesOf(Long.parseLong(p[1])), lines.get(i));
            checked++;
        }
        assertTrue(checked > 3000, "checked " + checked);
        WhisperSpecialTokens s = multilingual.specialTokens();
        long[] withSpecials = {s.startOfTranscript(), s.languages().get("en"), s.transcribe(), s.timestampBegin(), 15496 - 1, s.endOfText()};
        assertEquals(multilingual.decode(new long[] {15496 - 1}), multilingual.decode(withSpecials));
        assertNull(multilingual.bytesOf(s.noSpeech()));
        assertNull(multilingual.bytesOf(10_000_000));
    }

    @Test
    void huggingFaceFilesEncodeLikeTiktoken(@TempDir Path dir) throws IOException {
        Path ranks = dev.stt.eval.TestData.whisperDir().resolve("multilingual.tiktoken");
        HfTokenizerFiles.write(ranks, multilingual, dir);
        WhisperTokenizer fromJson = WhisperTokenizer.fromModelDir(dir);
        WhisperTokenizer fromMerges = WhisperTokenizer.fromVocabAndMerges(dir.resolve("vocab.json"), dir.resolve("merges.txt"), dir.resolve("added_tokens.json"));
        for (WhisperTokenizer t : List.of(fromJson, fromMerges)) {
            assertEquals(multilingual.specialTokens(), t.specialTokens());
            for (String text : TEXTS) {
                assertArrayEquals(multilingual.encode(text), t.encode(text), text);
            }
        }
    }

    @Test
    void missingOrBrokenFilesFailClearly(@TempDir Path dir) throws IOException {
        IOException none = assertThrows(IOException.class, () -> WhisperTokenizer.fromModelDir(dir));
        assertTrue(none.getMessage().contains("tokenizer.json"), none.getMessage());
        Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"Unigram\"}}");
        assertThrows(IOException.class, () -> WhisperTokenizer.fromModelDir(dir));
        Files.writeString(dir.resolve("bad.tiktoken"), "not-a-line\n");
        assertThrows(IOException.class, () -> WhisperTokenizer.fromTiktoken(dir.resolve("bad.tiktoken"), 99));
    }

    interface IoSupplier<T> {
        T get() throws IOException;
    }

    static <T> T assertDoesNotThrowIo(IoSupplier<T> s) {
        try {
            return s.get();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
