package dev.stt.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** No VAD: audio waits for the client's commit, which cuts it whole, silence and all. */
class ManualCommitSegmenterTest {

    private static float[] ramp(int n, float from) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = from + i;
        }
        return x;
    }

    private static SpeechSegment closed(List<SegmenterEvent> events) {
        assertEquals(2, events.size(), "a commit is a stop and a close: " + events);
        return assertInstanceOf(SegmenterEvent.SegmentClosed.class, events.get(1)).segment();
    }

    @Test
    void audioIsHeldUntilTheCommitAndCutWhole() {
        ManualCommitSegmenter s = new ManualCommitSegmenter(16_000);
        assertEquals(List.of(), s.accept(ramp(1000, 0)), "no decisions without a commit");
        assertEquals(List.of(), s.accept(ramp(600, 1000)));
        assertEquals(100, s.uncommittedMs(), "1600 samples at 16 kHz");
        List<SegmenterEvent> events = s.flush();
        assertEquals(new SegmenterEvent.SpeechStopped(100), events.get(0), "the stop is the end of the audio");
        SpeechSegment seg = closed(events);
        assertEquals(0, seg.startSample());
        assertArrayEquals(ramp(1600, 0), seg.samples());
        assertEquals(0, s.uncommittedMs());
        assertEquals(List.of(), s.flush(), "a commit with nothing new cuts nothing");
    }

    @Test
    void eachCommitStartsWhereTheLastOneEnded() {
        ManualCommitSegmenter s = new ManualCommitSegmenter(16_000);
        s.accept(ramp(1600, 0));
        s.flush();
        s.accept(ramp(3200, 0), 100, 800);
        SpeechSegment seg = closed(s.flush());
        assertEquals(1600, seg.startSample());
        assertEquals(2400, seg.endSample());
        assertArrayEquals(ramp(800, 100), seg.samples(), "offset and length pick the samples");
        assertEquals(2400, s.position());
    }

    @Test
    void clearDropsTheUncommittedAudioAndKeepsThePosition() {
        ManualCommitSegmenter s = new ManualCommitSegmenter(8_000);
        s.accept(ramp(800, 0));
        s.clear();
        assertEquals(0, s.uncommittedMs());
        assertEquals(800, s.position(), "the time line goes on");
        assertEquals(List.of(), s.flush());
        s.accept(ramp(80, 5));
        SpeechSegment seg = closed(s.flush());
        assertEquals(800, seg.startSample(), "the next segment starts at the clear");
        assertEquals(8_000, seg.sampleRate());
    }

    @Test
    void piecesGiveTheSegmentOfOneCall() {
        float[] x = ramp(10_007, 0);
        ManualCommitSegmenter whole = new ManualCommitSegmenter(16_000);
        whole.accept(x);
        ManualCommitSegmenter pieces = new ManualCommitSegmenter(16_000);
        for (int i = 0; i < x.length; i += 333) {
            pieces.accept(x, i, Math.min(333, x.length - i));
        }
        List<SegmenterEvent> one = whole.flush();
        List<SegmenterEvent> many = pieces.flush();
        assertEquals(one.getFirst(), many.getFirst(), "the same stop");
        assertArrayEquals(closed(one).samples(), closed(many).samples(), "the same audio");
    }

    @Test
    void neverAnnouncesSpeechOrAnEarlyClose() {
        ManualCommitSegmenter s = new ManualCommitSegmenter(16_000);
        s.accept(ramp(16_000, 0));
        assertEquals(null, s.closingSegment(), "no pause is detected, so nothing closes early");
        for (SegmenterEvent e : s.flush()) {
            assertEquals(false, e instanceof SegmenterEvent.SpeechStarted, "nothing detected speech: " + e);
        }
    }

    @Test
    void theFactoryIgnoresVadOptions() {
        try (SpeechSegmenterFactory f = ManualCommitSegmenter.factory();
             SpeechSegmenter s = f.open(16_000, VadOptions.DEFAULTS)) {
            assertInstanceOf(ManualCommitSegmenter.class, s);
            assertEquals(16_000, s.sampleRate());
        }
    }

    @Test
    void rejectsBadInput() {
        ManualCommitSegmenter s = new ManualCommitSegmenter(16_000);
        assertThrows(IllegalArgumentException.class, () -> s.accept(null, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> s.accept(new float[4], 2, 3));
        assertThrows(IllegalArgumentException.class, () -> new ManualCommitSegmenter(0));
    }
}
