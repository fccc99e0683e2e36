package dev.stt.onnx.align;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.stt.engine.WordTiming;
import dev.stt.onnx.decoder.CrossAttention;
import dev.stt.onnx.decoder.DecodedSequence;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CrossAttentionAlignerTest {

    /** Attention that sits on frames [starts[r], starts[r+1]) for row r: the path must find those starts. */
    static float[][] blocks(int[] starts, int frames) {
        float[][] w = new float[starts.length][frames];
        for (int r = 0; r < starts.length; r++) {
            int end = r + 1 < starts.length ? starts[r + 1] : frames;
            for (int f = starts[r]; f < end; f++) {
                w[r][f] = 1f / (end - starts[r]);
            }
            for (int f = 0; f < frames; f++) {
                w[r][f] += 1e-3f; // softmax never gives exact zeros
            }
        }
        return w;
    }

    @Test
    void thePathEntersEachRowWhereItsAttentionStarts() {
        int[] starts = {0, 10, 25, 40, 47};
        CrossAttentionAligner.Path p = CrossAttentionAligner.align(new float[][][] {blocks(starts, 60), blocks(starts, 60)});
        assertArrayEquals(starts, p.firstFrame());
        assertEquals(59, p.lastFrame()[4]);
        for (int r = 0; r + 1 < starts.length; r++) {
            assertEquals(p.firstFrame()[r + 1] - 1, p.lastFrame()[r], "rows follow one another");
        }
    }

    @Test
    void theFirstRowStartsWhereItsAttentionRisesNotAtFrameZero() {
        // row 0 attends to frames 8-19 (its word), the audio before is silence nobody attends to
        float[][] w = blocks(new int[] {0, 20, 35}, 50);
        for (int f = 0; f < 8; f++) {
            w[0][f] = 1e-3f;
        }
        CrossAttentionAligner.Path plain = CrossAttentionAligner.align(new float[][][] {w});
        assertEquals(0, plain.firstFrame()[0], "every DTW path starts at frame 0");
        CrossAttentionAligner.Path refined = CrossAttentionAligner.align(new float[][][] {w}, 0.9);
        assertEquals(8, refined.firstFrame()[0], 1);
        assertEquals(20, refined.firstFrame()[1]);
    }

    @Test
    void theMedianFilterReflectsAtTheEdges() {
        float[] out = new float[5];
        CrossAttentionAligner.medianFilter(new float[] {5, 1, 1, 9, 1}, 3, out);
        assertArrayEquals(new float[] {1, 1, 1, 1, 9}, out);
    }

    @Test
    void standardisingMakesEachFrameZeroMeanAcrossRows() {
        float[][] z = CrossAttentionAligner.standardisePerFrame(new float[][] {{1, 5}, {3, 5}});
        assertArrayEquals(new float[] {-1, 0}, z[0], 1e-6f);
        assertArrayEquals(new float[] {1, 0}, z[1], 1e-6f);
    }

    @Test
    void punctuationJoinsItsNeighbourAndOpeningMarksTheNextWord() {
        List<WordTimer.TokenWord> words = List.of(new WordTimer.TokenWord("Hello", 0, 1), new WordTimer.TokenWord(",", 1, 2),
                new WordTimer.TokenWord("\"", 2, 3), new WordTimer.TokenWord("world", 3, 4), new WordTimer.TokenWord("!\"", 4, 5));
        assertEquals(List.of(new WordTimer.TokenWord("Hello,", 0, 2), new WordTimer.TokenWord("\"world!\"", 2, 5)),
                WordTimer.attachPunctuation(words));
    }

    @Test
    void wordsTakeTheirTokensTimesAndNeverOverlap() {
        int[] starts = {0, 10, 25, 40, 47};
        float[][] w = blocks(starts, 60);
        // CrossAttention keeps runs as [layer][head][frame]: one layer, one head
        List<float[]> runs = new ArrayList<>();
        for (float[] row : w) {
            runs.add(row.clone());
        }
        CrossAttention attention = new CrossAttention(List.of(0), 1, 60, runs);
        // four tokens, stopped by end of text: five runs, the last one chose end of text
        DecodedSequence d = new DecodedSequence(new long[] {5, 6, 7, 8}, -1, true, new double[] {0, 0, Math.log(0.5), 0}, attention);
        List<WordTimer.TokenWord> words = List.of(new WordTimer.TokenWord("ab", 0, 2), new WordTimer.TokenWord("cd", 2, 4));
        List<WordTiming> timed = WordTimer.time(d, words, List.<int[]>of(new int[] {0, 0}), 60, 0.02, 1.2, Double.NaN);
        assertEquals(2, timed.size());
        assertEquals(0.0, timed.get(0).start(), 1e-9);
        assertEquals(0.50, timed.get(0).end(), 1e-9);
        assertEquals(0.50, timed.get(1).start(), 1e-9);
        assertEquals(0.94, timed.get(1).end(), 1e-9, "the end-of-text row starts where the last word ends");
        assertEquals(0.75, timed.get(1).probability(), 1e-9);
        // a shorter segment clips the times
        List<WordTiming> clipped = WordTimer.time(d, words, List.<int[]>of(new int[] {0, 0}), 60, 0.02, 0.6, Double.NaN);
        assertEquals(0.6, clipped.get(1).end(), 1e-9);
    }
}
