package dev.stt.whisper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stt.engine.TimedText;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Prompt building, timestamp rules, segment times and guards on the real multilingual vocabulary. */
class WhisperDecodingRulesTest {

    static WhisperTokenizer tok;
    static WhisperSpecialTokens s;
    static WhisperTokenizer english;

    @BeforeAll
    static void load() throws IOException {
        tok = WhisperTokenizer.fromTiktoken(dev.stt.eval.TestData.whisperDir().resolve("multilingual.tiktoken"), 99);
        english = WhisperTokenizer.fromTiktoken(dev.stt.eval.TestData.whisperDir().resolve("gpt2.tiktoken"), 99);
        s = tok.specialTokens();
    }

    @Test
    void promptsLikeOpenAiWhisper() {
        WhisperPrompt detect = WhisperPrompt.build(tok, true, null, false, false, null, 448);
        assertArrayEquals(new long[] {s.startOfTranscript()}, detect.prefix());
        assertArrayEquals(new long[] {WhisperPrompt.DETECT_LANGUAGE, s.transcribe(), s.noTimestamps()}, detect.forced());
        WhisperPrompt german = WhisperPrompt.build(tok, true, "DE", true, true, null, 448);
        assertArrayEquals(new long[] {s.languages().get("de"), s.translate()}, german.forced());
        assertEquals(3, german.sampleBegin());
        // English-only models: no language, no task
        WhisperSpecialTokens e = english.specialTokens();
        WhisperPrompt en = WhisperPrompt.build(english, false, "de", false, false, null, 448);
        assertArrayEquals(new long[] {e.noTimestamps()}, en.forced());
        WhisperPrompt withText = WhisperPrompt.build(english, false, null, false, true, "Hello world", 448);
        assertArrayEquals(new long[] {e.startOfPrev(), 18435, 995, e.startOfTranscript()}, withText.prefix()); // " Hello" " world"
        assertEquals(0, withText.forced().length);
        String longText = "word ".repeat(400);
        assertEquals(448 / 2 - 1 + 2, WhisperPrompt.build(english, false, null, false, true, longText, 448).prefix().length);
        assertThrows(IllegalArgumentException.class, () -> WhisperPrompt.build(tok, true, "xx", false, false, null, 448));
    }

    private float[] flat() {
        float[] logits = new float[s.timestampBegin() + WhisperSpecialTokens.TIMESTAMP_COUNT];
        Arrays.fill(logits, 1f);
        return logits;
    }

    private static boolean allowed(float[] logits, int id) {
        return logits[id] != Float.NEGATIVE_INFINITY;
    }

    @Test
    void timestampRules() {
        int ts = s.timestampBegin();
        long[] prompt = {s.startOfTranscript(), s.languages().get("en"), s.transcribe()};
        // first sampled token: a timestamp no later than 1.00 s
        float[] first = flat();
        TimestampRules.apply(prompt, 3, first, s, 50);
        assertTrue(allowed(first, ts) && allowed(first, ts + 50));
        assertTrue(!allowed(first, ts + 51) && !allowed(first, 100) && !allowed(first, s.endOfText()) && !allowed(first, s.noTimestamps()));
        // after text then a timestamp: another timestamp (same or later) or end of text, no text
        long[] afterText = concat(prompt, ts + 10, 400, ts + 60);
        float[] l = flat();
        l[s.endOfText()] = 10; // else the ~1440 allowed timestamps outweigh it and only timestamps remain
        TimestampRules.apply(afterText, 3, l, s, 50);
        assertTrue(allowed(l, ts + 60) && allowed(l, ts + 61) && allowed(l, s.endOfText()));
        assertTrue(!allowed(l, ts + 59) && !allowed(l, 400));
        // after a pair: text only (and end of text)
        long[] afterPair = concat(afterText, ts + 60);
        float[] p = flat();
        TimestampRules.apply(afterPair, 3, p, s, 50);
        assertTrue(allowed(p, 400) && !allowed(p, ts + 70));
        // text after a pair: timestamps must move past the last one
        long[] afterMoreText = concat(afterPair, 401);
        float[] m = flat();
        m[402] = 10;
        TimestampRules.apply(afterMoreText, 3, m, s, 50);
        assertTrue(!allowed(m, ts + 60) && allowed(m, ts + 61) && allowed(m, 402));
        // timestamps that together outweigh every text token win
        float[] heavy = new float[s.timestampBegin() + WhisperSpecialTokens.TIMESTAMP_COUNT];
        Arrays.fill(heavy, 0f);
        heavy[402] = 3f; // e^3 ≈ 20 < ~1440 later timestamps at e^0
        TimestampRules.apply(afterMoreText, 3, heavy, s, 50);
        assertTrue(!allowed(heavy, 402) && allowed(heavy, ts + 100));
    }

    private static long[] concat(long[] a, long... b) {
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void segmentsFromTimestampTokens() {
        int ts = s.timestampBegin();
        int[] hello = tok.encode(" Hello there.");
        int[] again = tok.encode(" Again");
        long[] tokens = concat(concat(concat(new long[] {ts}, toLongs(hello)), ts + 75, ts + 75), toLongs(again));
        WhisperSegments.Result r = WhisperSegments.parse(concat(tokens, ts + 150), tok, 4.0);
        assertEquals("Hello there. Again", r.text());
        assertEquals(List.of(new TimedText("Hello there.", 0.0, 1.5), new TimedText("Again", 1.5, 3.0)), r.segments());
        // text left open runs to the end of the audio; times never pass it
        WhisperSegments.Result open = WhisperSegments.parse(concat(new long[] {ts + 100}, toLongs(again)), tok, 2.5);
        assertEquals(List.of(new TimedText("Again", 2.0, 2.5)), open.segments());
        WhisperSegments.Result late = WhisperSegments.parse(concat(concat(new long[] {ts}, toLongs(again)), ts + 1500), tok, 2.5);
        assertEquals(List.of(new TimedText("Again", 0.0, 2.5)), late.segments());
    }

    private static long[] toLongs(int[] ids) {
        return Arrays.stream(ids).asLongStream().toArray();
    }

    @Test
    void guardsUseFasterWhisperRules() {
        // reference ratios from Python's zlib (level 6): 5.2667 and 1.3544
        assertEquals(5.2667, WhisperGuards.compressionRatio("the the the the the the the the the the the the the the the the the the the the"), 1e-4);
        String jfk = "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country.";
        assertEquals(1.3544, WhisperGuards.compressionRatio(jfk), 1e-4);
        WhisperGuards g = WhisperGuards.DEFAULTS;
        assertNull(g.reason(jfk, 0.1, -0.3));
        assertNull(g.reason(jfk, 0.9, -0.5), "confident text survives a high no-speech probability");
        assertTrue(g.reason(jfk, 0.9, -1.5).startsWith("no speech"));
        assertTrue(g.reason("the the the the the the the the the the the the", 0.1, -0.2).startsWith("repetitive text"));
        assertNull(WhisperGuards.NONE.reason("the the the the the the the the the the the the", 0.99, -5));
        assertThrows(IllegalArgumentException.class, () -> new WhisperGuards(1.5, -1, 2.4));
    }
}
