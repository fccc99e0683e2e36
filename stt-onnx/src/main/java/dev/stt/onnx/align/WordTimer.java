package dev.stt.onnx.align;

import dev.stt.engine.WordTiming;
import dev.stt.onnx.decoder.CrossAttention;
import dev.stt.onnx.decoder.DecodedSequence;
import java.util.ArrayList;
import java.util.List;

/**
 * Word times for one decoded row, shared by the engines: they say how their tokens form words, the
 * alignment says where each token starts.
 */
public final class WordTimer {

    /** Closing punctuation joins the word before it, opening punctuation the word after (Whisper's sets). */
    static final String OPENING = "\"'\u201c\u2018\u00bf([{-";

    private WordTimer() {
    }

    /**
     * A word as tokens {@code [from, to)} of the decoded row.
     *
     * @param text the word as printed, without surrounding spaces
     */
    public record TokenWord(String text, int from, int to) {
    }

    /**
     * Moves words that are only punctuation onto their neighbour: an opening mark onto the word after it,
     * any other onto the word before it, so that no word is a bare comma or quote.
     */
    public static List<TokenWord> attachPunctuation(List<TokenWord> words) {
        List<TokenWord> out = new ArrayList<>();
        TokenWord pendingOpen = null;
        for (TokenWord w : words) {
            if (pendingOpen != null) {
                w = new TokenWord(pendingOpen.text() + w.text(), pendingOpen.from(), w.to());
                pendingOpen = null;
            }
            if (!w.text().codePoints().anyMatch(Character::isLetterOrDigit)) {
                if (!w.text().isEmpty() && OPENING.indexOf(w.text().charAt(0)) >= 0) {
                    pendingOpen = w;
                    continue;
                }
                if (!out.isEmpty()) {
                    TokenWord last = out.removeLast();
                    out.add(new TokenWord(last.text() + w.text(), last.from(), w.to()));
                    continue;
                }
            }
            out.add(w);
        }
        if (pendingOpen != null) {
            if (out.isEmpty()) {
                out.add(pendingOpen);
            } else {
                TokenWord last = out.removeLast();
                out.add(new TokenWord(last.text() + pendingOpen.text(), last.from(), pendingOpen.to()));
            }
        }
        return out;
    }

    /**
     * Times {@code words} of {@code decoded} from its cross-attention.
     *
     * @param layerHeads     the (layer, head) pairs to align with
     * @param audioFrames    the encoder frames the row's own audio fills (the rest is batch padding)
     * @param frameSeconds   seconds per encoder frame
     * @param segmentSeconds the segment's length: no word ends after it
     */
    public static List<WordTiming> time(DecodedSequence decoded, List<TokenWord> words, List<int[]> layerHeads,
                                        int audioFrames, double frameSeconds, double segmentSeconds) {
        return time(decoded, words, layerHeads, audioFrames, frameSeconds, segmentSeconds, FIRST_ROW_FRACTION);
    }

    /**
     * Every DTW path starts at frame 0, so the first token's row takes the segment's leading silence with it.
     * The first row's start moves to the first frame of its stretch whose weight reaches this fraction of its
     * range. Measured on Moonshine tiny, layers 4-5, mean first-word start error over the ten clips: 315 ms
     * without (Whisper's behaviour), 272 ms at 0.5, 212 ms at 0.75, 166 ms at 0.9; the other words do not move.
     * Moonshine places the first row with layer 2 instead (106 ms at 0.9), see MoonshineEngine.FIRST_WORD_HEADS.
     */
    public static final double FIRST_ROW_FRACTION = 0.9;

    public static List<WordTiming> time(DecodedSequence decoded, List<TokenWord> words, List<int[]> layerHeads,
                                        int audioFrames, double frameSeconds, double segmentSeconds, double firstRowFraction) {
        return time(decoded, words, layerHeads, audioFrames, frameSeconds, segmentSeconds, firstRowFraction, null);
    }

    /**
     * @param firstRowHeads the heads whose attention places the first word's start (see
     *                      {@link #FIRST_ROW_FRACTION}); null: {@code layerHeads}
     */
    public static List<WordTiming> time(DecodedSequence decoded, List<TokenWord> words, List<int[]> layerHeads,
                                        int audioFrames, double frameSeconds, double segmentSeconds, double firstRowFraction,
                                        List<int[]> firstRowHeads) {
        return time(decoded, words, layerHeads, audioFrames, frameSeconds, segmentSeconds, firstRowFraction, firstRowHeads, Double.NaN);
    }

    /**
     * @param trimFraction where not NaN, each word after the first starts at the first frame of its first
     *                     token's stretch, and ends after the last frame of its last token's stretch, whose
     *                     weight reaches this fraction of the stretch's range: a pause goes to neither word
     */
    public static List<WordTiming> time(DecodedSequence decoded, List<TokenWord> words, List<int[]> layerHeads,
                                        int audioFrames, double frameSeconds, double segmentSeconds, double firstRowFraction,
                                        List<int[]> firstRowHeads, double trimFraction) {
        CrossAttention attention = decoded.attention();
        if (words.isEmpty() || attention == null || attention.runs().isEmpty()) {
            return List.of();
        }
        double[][] matrix = CrossAttentionAligner.matrix(attention.select(layerHeads, audioFrames));
        CrossAttentionAligner.Path path = CrossAttentionAligner.dtw(matrix);
        path = CrossAttentionAligner.refineFirst(path,
                firstRowHeads == null ? matrix : CrossAttentionAligner.matrix(attention.select(firstRowHeads, audioFrames)),
                firstRowFraction);
        int rows = path.rows();
        double[] logProbs = decoded.tokenLogProbs();
        List<WordTiming> out = new ArrayList<>(words.size());
        double previousEnd = 0;
        for (TokenWord w : words) {
            int from = Math.min(w.from(), rows - 1);
            double start = path.firstFrame()[from] * frameSeconds;
            double end = w.to() < rows ? path.firstFrame()[w.to()] * frameSeconds : (path.lastFrame()[rows - 1] + 1) * frameSeconds;
            if (!Double.isNaN(trimFraction)) {
                if (w.from() > 0 && w.from() < rows) {
                    start = trimmedStart(matrix[w.from()], path.firstFrame()[w.from()], path.lastFrame()[w.from()], trimFraction) * frameSeconds;
                }
                int last = Math.min(w.to() - 1, rows - 1);
                end = Math.min(end, (trimmedEnd(matrix[last], path.firstFrame()[last], path.lastFrame()[last], trimFraction) + 1) * frameSeconds);
            }
            start = Math.max(previousEnd, Math.min(start, segmentSeconds));
            end = Math.max(start, Math.min(end, segmentSeconds));
            double p = 0;
            int n = 0;
            for (int t = w.from(); logProbs != null && t < w.to() && t < logProbs.length; t++) {
                p += Math.exp(logProbs[t]);
                n++;
            }
            out.add(new WordTiming(w.text(), start, end, n == 0 ? Double.NaN : p / n));
            previousEnd = end;
        }
        return out;
    }

    private static int trimmedStart(double[] row, int from, int to, double fraction) {
        double threshold = threshold(row, from, to, fraction);
        int f = from;
        while (f < to && row[f] < threshold) {
            f++;
        }
        return f;
    }

    private static int trimmedEnd(double[] row, int from, int to, double fraction) {
        double threshold = threshold(row, from, to, fraction);
        int f = to;
        while (f > from && row[f] < threshold) {
            f--;
        }
        return f;
    }

    private static double threshold(double[] row, int from, int to, double fraction) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int f = from; f <= to; f++) {
            min = Math.min(min, row[f]);
            max = Math.max(max, row[f]);
        }
        return min + fraction * (max - min);
    }
}
