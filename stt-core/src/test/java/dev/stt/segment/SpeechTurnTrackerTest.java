package dev.stt.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stt.segment.SpeechDecision.SegmentCloses;
import dev.stt.segment.SpeechDecision.SpeechStarts;
import dev.stt.segment.SpeechDecision.SpeechStops;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The speech rules over synthetic probabilities, no model: 10 ms windows at 16 kHz, so a number of
 * milliseconds is a number of windows, and {@link #at} turns milliseconds into samples. With the
 * defaults speech starts at 0.5, ends below 0.35, is padded 300 ms before and 200 ms after, closes
 * after 500 ms of silence and must last 250 ms.
 */
class SpeechTurnTrackerTest {

    private static final int RATE = 16_000;
    private static final int WINDOW = 160;

    private static SpeechTurnTracker tracker(VadOptions options) {
        return new SpeechTurnTracker(RATE, WINDOW, options);
    }

    private static long at(long ms) {
        return ms * RATE / 1000;
    }

    /** Probabilities built as runs: {@code run(ms, p)} is {@code ms / 10} windows scoring {@code p}. */
    private static final class Score {
        private final List<Float> windows = new ArrayList<>();

        Score run(int ms, double p) {
            for (int i = 0; i < ms / 10; i++) {
                windows.add((float) p);
            }
            return this;
        }

        float[] windows() {
            float[] out = new float[windows.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = windows.get(i);
            }
            return out;
        }
    }

    private static Score score() {
        return new Score();
    }

    @Test
    void aBlipShorterThanMinSpeechDecidesNothing() {
        SpeechTurnTracker t = tracker(VadOptions.DEFAULTS);
        List<SpeechDecision> d = t.accept(score().run(1000, 0.05).run(100, 0.95).run(1000, 0.05).windows());
        assertEquals(List.of(), d, "a 100 ms click");
        assertEquals(List.of(), t.flush(at(2100)), "nothing left open after the click");
    }

    @Test
    void speechIsAnnouncedOnlyOnceItHasLastedMinSpeech() {
        SpeechTurnTracker t = tracker(VadOptions.DEFAULTS);
        assertEquals(List.of(), t.accept(score().run(1000, 0.05).run(240, 0.9).windows()), "240 ms is not yet speech");
        assertEquals(List.of(new SpeechStarts(at(1000 - 300))), t.accept(0.9f), "the 250th ms confirms it, padded start");
    }

    @Test
    void silenceDurationClosesTheSegmentWithItsPadding() {
        SpeechTurnTracker t = tracker(VadOptions.DEFAULTS);
        List<SpeechDecision> d = t.accept(score().run(1000, 0.05).run(1000, 0.9).run(490, 0.05).windows());
        assertEquals(List.of(new SpeechStarts(at(700))), d, "490 ms of silence does not close yet");
        assertEquals(List.of(new SpeechStops(at(2000)), new SegmentCloses(at(700), at(2200))), t.accept(0.05f),
                "500 ms of silence closes: stop at the first quiet window, 200 ms trailing pad");
    }

    @Test
    void aPauseShorterThanTheSilenceWindowKeepsOneSegment() {
        SpeechTurnTracker t = tracker(VadOptions.DEFAULTS);
        List<SpeechDecision> d = t.accept(score().run(1000, 0.05).run(500, 0.9).run(400, 0.05).run(500, 0.9)
                .run(600, 0.05).windows());
        assertEquals(List.of(new SpeechStarts(at(700)), new SpeechStops(at(2400)), new SegmentCloses(at(700), at(2600))), d);
    }

    @Test
    void probabilitiesBetweenReleaseAndThresholdNeitherStartNorEndSpeech() {
        SpeechTurnTracker t = tracker(VadOptions.DEFAULTS);
        assertEquals(List.of(), t.accept(score().run(2000, 0.4).windows()), "0.4 alone never starts speech");
        t.clear(t.nextWindowStart());
        List<SpeechDecision> d = t.accept(score().run(1000, 0.05).run(500, 0.9).run(2000, 0.4).run(500, 0.9)
                .run(600, 0.05).windows());
        assertEquals(List.of(new SpeechStarts(at(2000 + 700)), new SpeechStops(at(2000 + 4000)),
                new SegmentCloses(at(2000 + 700), at(2000 + 4200))), d, "hysteresis: 0.4 holds speech open");
    }

    @Test
    void prefixPaddingNeverReachesIntoThePreviousSegment() {
        SpeechTurnTracker t = tracker(VadOptions.DEFAULTS);
        List<SpeechDecision> d = t.accept(score().run(1000, 0.05).run(500, 0.9).run(600, 0.05).run(500, 0.9)
                .run(600, 0.05).windows());
        // first segment closes at 1500 + 200 = 1700; the second's speech starts at 2100, its padding would reach 1800
        assertEquals(List.of(new SpeechStarts(at(700)), new SpeechStops(at(1500)), new SegmentCloses(at(700), at(1700)),
                new SpeechStarts(at(1800)), new SpeechStops(at(2600)), new SegmentCloses(at(1800), at(2800))), d);
        SpeechTurnTracker tight = tracker(VadOptions.DEFAULTS.withPrefixPaddingMs(1000));
        List<SpeechDecision> e = tight.accept(score().run(1000, 0.05).run(500, 0.9).run(600, 0.05).run(500, 0.9)
                .run(600, 0.05).windows());
        assertEquals(new SpeechStarts(at(1700)), e.get(3), "a longer padding stops at the previous segment's end");
    }

    @Test
    void aSoftOnsetMovesTheStartBackAtMostSixteenWindows() {
        SpeechTurnTracker t = tracker(VadOptions.DEFAULTS.withPrefixPaddingMs(0));
        List<SpeechDecision> d = t.accept(score().run(1000, 0.05).run(50, 0.4).run(300, 0.9).windows());
        assertEquals(List.of(new SpeechStarts(at(1000))), d, "speech starts with the 0.4 windows before the crossing");
        SpeechTurnTracker u = tracker(VadOptions.DEFAULTS.withPrefixPaddingMs(0));
        List<SpeechDecision> e = u.accept(score().run(1000, 0.05).run(500, 0.4).run(300, 0.9).windows());
        assertEquals(List.of(new SpeechStarts(at(1500 - 10 * SpeechTurnTracker.ONSET_LOOKBACK))), e, "look-back limit");
    }

    @Test
    void aBreathBeforeSpeechStaysInTheSegmentButDoesNotWidenIt() {
        SpeechTurnTracker t = tracker(VadOptions.DEFAULTS);
        // a 50 ms breath at 1000 ms, a 100 ms dip, then speech from 1150 ms: the padding of the speech
        // (850 ms) still reaches the breath, so the segment starts there instead of 300 ms before the breath
        List<SpeechDecision> d = t.accept(score().run(1000, 0.05).run(50, 0.9).run(100, 0.05).run(90, 0.9).windows());
        assertEquals(List.of(), d, "min_speech_ms counts from the breath: 240 ms so far");
        assertEquals(List.of(new SpeechStarts(at(850))), t.accept(0.9f));
    }

    @Test
    void speechAfterALongerDipKeepsTheFirstRunsPadding() {
        SpeechTurnTracker t = tracker(VadOptions.DEFAULTS);
        // the dip lasts 350 ms: the padding of the speech (1100 ms) no longer reaches the first run, which
        // may be a short word before a pause, so the start stays 300 ms before it
        List<SpeechDecision> d = t.accept(score().run(1000, 0.05).run(50, 0.9).run(350, 0.05).run(10, 0.9).windows());
        assertEquals(List.of(new SpeechStarts(at(700))), d);
    }

    @Test
    void speechPastMaxSegmentIsSplitAtTheQuietestWindowOfTheLaterHalf() {
        VadOptions o = VadOptions.DEFAULTS.withMaxSegmentSeconds(2).withPrefixPaddingMs(0);
        SpeechTurnTracker t = tracker(o);
        // the dip at 1200 ms lies in the first half of the segment and is passed over for the one at 2300 ms
        List<SpeechDecision> d = t.accept(score().run(1000, 0.05).run(200, 0.9).run(10, 0.55).run(1090, 0.9)
                .run(10, 0.6).run(690, 0.9).windows());
        long cut = at(2300) + WINDOW / 2;
        assertEquals(List.of(new SpeechStarts(at(1000)), new SpeechStops(cut), new SegmentCloses(at(1000), cut),
                new SpeechStarts(cut)), d, "cut at the centre of the 0.6 window, the rest goes on");
        List<SpeechDecision> rest = t.flush(at(3000));
        assertEquals(List.of(new SpeechStops(at(3000)), new SegmentCloses(cut, at(3000))), rest, "nothing dropped");
    }

    @Test
    void noPieceOfLongSpeechOutgrowsTheLimit() {
        VadOptions o = VadOptions.DEFAULTS.withMaxSegmentSeconds(1);
        SpeechTurnTracker t = tracker(o);
        Random random = new Random(7);
        float[] p = new float[1000];
        for (int i = 0; i < p.length; i++) {
            p[i] = 0.6f + 0.4f * random.nextFloat();
        }
        List<SpeechDecision> d = new ArrayList<>(t.accept(p));
        d.addAll(t.flush(at(10_000)));
        long previousEnd = -1;
        int pieces = 0;
        for (SpeechDecision x : d) {
            if (x instanceof SegmentCloses c) {
                pieces++;
                assertTrue(c.toSample() - c.fromSample() <= at(1000), "piece " + c + " over 1 s");
                assertTrue(previousEnd < 0 || c.fromSample() == previousEnd, "piece " + c + " does not follow on");
                previousEnd = c.toSample();
            }
        }
        assertTrue(pieces >= 10, "10 s of speech in pieces of at most 1 s, got " + pieces);
        assertEquals(at(10_000), previousEnd, "the last piece ends where the audio does");
    }

    @Test
    void oddSizedChunksDecideExactlyWhatOneCallDecides() {
        Random random = new Random(42);
        float[] p = new float[6000];
        for (int i = 0; i < p.length; ) {
            int run = 1 + random.nextInt(80);
            float level = random.nextFloat();
            for (int k = 0; k < run && i < p.length; k++, i++) {
                p[i] = Math.min(1f, Math.max(0f, level + 0.2f * (random.nextFloat() - 0.5f)));
            }
        }
        VadOptions o = VadOptions.DEFAULTS.withMaxSegmentSeconds(4);
        List<SpeechDecision> whole = tracker(o).accept(p);
        assertTrue(whole.size() > 20, "the sequence should hold many segments, got " + whole.size());
        for (int chunk : new int[] {1, 3, 7, 31, 997}) {
            SpeechTurnTracker t = tracker(o);
            List<SpeechDecision> pieces = new ArrayList<>();
            for (int i = 0; i < p.length; i += chunk) {
                pieces.addAll(t.accept(p, i, Math.min(chunk, p.length - i)));
            }
            assertEquals(whole, pieces, "chunks of " + chunk + " windows");
        }
    }

    @Test
    void flushEndsOpenSpeechAtTheAudioHeardSoFar() {
        SpeechTurnTracker t = tracker(VadOptions.DEFAULTS);
        t.accept(score().run(1000, 0.05).run(100, 0.9).windows());
        assertEquals(List.of(), t.flush(at(1100)), "100 ms is too short even when flushed");
        assertEquals(List.of(new SpeechStarts(at(1800))),
                t.accept(score().run(1000, 0.05).run(400, 0.9).run(100, 0.05).windows()));
        // speech 2100-2500, then 100 ms of silence heard plus 5 ms of a partial window
        assertEquals(List.of(new SpeechStops(at(2500)), new SegmentCloses(at(1800), at(2605))),
                t.flush(at(2605)), "the trailing pad stops at the audio heard");
        assertEquals(List.of(), t.flush(at(2605)), "nothing open after a flush");
    }

    @Test
    void flushConfirmsSpeechThatHasLastedMinSpeech() {
        SpeechTurnTracker t = tracker(VadOptions.DEFAULTS);
        t.accept(score().run(1000, 0.05).run(240, 0.9).windows());
        assertEquals(List.of(new SpeechStarts(at(700)), new SpeechStops(at(1255)), new SegmentCloses(at(700), at(1255))),
                t.flush(at(1255)), "240 ms scored and 15 ms of a partial window make 255 ms of speech");
    }

    @Test
    void closingNamesTheCloseThatComesOnceItsTrailingPadIsScored() {
        SpeechTurnTracker t = tracker(VadOptions.DEFAULTS);
        t.accept(score().run(1000, 0.05).run(1000, 0.9).run(190, 0.05).windows());
        assertNull(t.closing(), "the trailing pad is not all scored yet");
        t.accept(0.05f);
        SegmentCloses early = t.closing();
        assertEquals(new SegmentCloses(at(700), at(2200)), early);
        List<SpeechDecision> later = t.accept(score().run(300, 0.05).windows());
        assertEquals(early, later.get(1), "the close that came is the one announced");
        assertNull(t.closing(), "nothing pending once closed");
        t.accept(score().run(500, 0.9).run(300, 0.05).windows());
        assertTrue(t.closing() != null);
        t.accept(score().run(100, 0.9).windows());
        assertNull(t.closing(), "speech came back: no close pending");
    }

    @Test
    void clearDropsOpenSpeechAndStartsTheTimeLineAgain() {
        SpeechTurnTracker t = tracker(VadOptions.DEFAULTS);
        t.accept(score().run(1000, 0.05).run(1000, 0.9).windows());
        t.clear(at(2005));
        assertEquals(at(2005), t.nextWindowStart(), "windows count from the clear");
        assertEquals(List.of(), t.flush(at(2005)), "the open speech is gone");
        List<SpeechDecision> d = t.accept(score().run(500, 0.9).run(600, 0.05).windows());
        assertEquals(new SpeechStarts(at(2005)), d.getFirst(), "padding never reaches before the clear");
    }

    @Test
    void audioNeededFromCoversOnsetLookBackAndPadding() {
        SpeechTurnTracker t = tracker(VadOptions.DEFAULTS);
        t.accept(score().run(3000, 0.05).windows());
        assertEquals(at(3000) - 16L * WINDOW - at(300), t.audioNeededFrom());
        t.accept(score().run(500, 0.9).windows());
        assertEquals(0, t.audioNeededFrom(), "open speech keeps everything since the last segment");
        t.accept(score().run(500, 0.05).windows());
        assertEquals(at(3700), t.audioNeededFrom(), "nothing before the closed segment's end is claimed again");
        t.accept(score().run(1000, 0.05).windows());
        assertEquals(at(5000) - 16L * WINDOW - at(300), t.audioNeededFrom());
    }

    @Test
    void rejectsNonsense() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new SpeechTurnTracker(RATE, 0, VadOptions.DEFAULTS));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new SpeechTurnTracker(RATE, WINDOW, null));
    }
}
