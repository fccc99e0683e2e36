package dev.stt.onnx.align;

import java.util.Arrays;

/**
 * Aligns decoded tokens to encoder frames from the decoder's cross-attention, the way openai/whisper's
 * {@code timing.py} does: the chosen heads' attention weights (already softmaxed over frames) are
 * standardised per frame across the tokens, median-filtered along time (width 7), averaged over the heads,
 * and dynamic time warping finds the monotonic path through the token x frame matrix that gathers the most
 * attention. The frame at which the path first reaches a row is where that row's token starts.
 *
 * <p>Rows are decoder positions, one per decoder run: row 0 is the last prompt position (it predicts the
 * first text token), row k the position fed token k (it predicts token k+1), the last row the one that
 * predicted end of text. So row k's first frame is the start of token k+1, and the row that predicted end
 * of text starts where the last token ends, as in Whisper.
 */
public final class CrossAttentionAligner {

    /** openai/whisper's {@code medfilt_width}. */
    public static final int MEDIAN_WIDTH = 7;

    private CrossAttentionAligner() {
    }

    /**
     * A monotonic path through the rows: {@code firstFrame[r]} is the frame the path enters row r,
     * {@code lastFrame[r]} the last frame it spends on it.
     */
    public record Path(int[] firstFrame, int[] lastFrame) {

        public int rows() {
            return firstFrame.length;
        }
    }

    /**
     * @param weights [head][row][frame] cross-attention of the chosen heads, cropped to the audio's frames
     */
    public static Path align(float[][][] weights) {
        return dtw(matrix(weights));
    }

    /**
     * @param firstRowFraction where not NaN, the first row's start moves from frame 0 (where every path
     *                         starts) to the first frame of its stretch whose weight reaches this fraction
     *                         of the stretch's range: the audio before the first token is not the token.
     *                         (An extra neutral row at the top, to absorb that audio as the end-of-text row
     *                         absorbs the audio after the last token, was measured too: the path leaves it
     *                         at once, no change.)
     */
    public static Path align(float[][][] weights, double firstRowFraction) {
        double[][] matrix = matrix(weights);
        return refineFirst(dtw(matrix), matrix, firstRowFraction);
    }

    /** The [row][frame] matrix DTW walks: standardised per frame, median-filtered, averaged over the heads. */
    public static double[][] matrix(float[][][] weights) {
        int heads = weights.length;
        int rows = weights[0].length;
        int frames = weights[0][0].length;
        double[][] matrix = new double[rows][frames];
        float[] filtered = new float[frames];
        for (float[][] head : weights) {
            float[][] z = standardisePerFrame(head);
            for (int r = 0; r < rows; r++) {
                medianFilter(z[r], MEDIAN_WIDTH, filtered);
                for (int f = 0; f < frames; f++) {
                    matrix[r][f] += filtered[f] / heads;
                }
            }
        }
        return matrix;
    }

    /**
     * {@code p} with its first row starting at the first frame of the row's stretch where {@code matrix}'s
     * first row reaches {@code fraction} of the way from its lowest to its highest value there (NaN: as is).
     */
    public static Path refineFirst(Path p, double[][] matrix, double fraction) {
        if (Double.isNaN(fraction)) {
            return p;
        }
        int from = p.firstFrame()[0];
        int to = p.lastFrame()[0];
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int f = from; f <= to; f++) {
            min = Math.min(min, matrix[0][f]);
            max = Math.max(max, matrix[0][f]);
        }
        int start = from;
        while (start < to && matrix[0][start] < min + fraction * (max - min)) {
            start++;
        }
        int[] first = p.firstFrame().clone();
        first[0] = start;
        return new Path(first, p.lastFrame());
    }

    /** Each frame's weights across the rows to zero mean and unit variance (torch.std_mean over tokens, biased). */
    static float[][] standardisePerFrame(float[][] w) {
        int rows = w.length;
        int frames = w[0].length;
        float[][] out = new float[rows][frames];
        for (int f = 0; f < frames; f++) {
            double mean = 0;
            for (float[] row : w) {
                mean += row[f];
            }
            mean /= rows;
            double var = 0;
            for (float[] row : w) {
                var += (row[f] - mean) * (row[f] - mean);
            }
            double std = Math.sqrt(var / rows);
            // a single row, or a frame every row ignores equally, has no spread: it says nothing either way
            double scale = std > 1e-12 ? 1 / std : 0;
            for (int r = 0; r < rows; r++) {
                out[r][f] = (float) ((w[r][f] - mean) * scale);
            }
        }
        return out;
    }

    /** A running median of odd {@code width}, the edges padded by reflection (scipy's and Whisper's mode). */
    static void medianFilter(float[] x, int width, float[] out) {
        int n = x.length;
        int half = width / 2;
        if (n <= half) {
            System.arraycopy(x, 0, out, 0, n);
            return;
        }
        float[] window = new float[width];
        for (int i = 0; i < n; i++) {
            for (int k = -half; k <= half; k++) {
                int j = i + k;
                if (j < 0) {
                    j = -j;
                } else if (j >= n) {
                    j = 2 * (n - 1) - j;
                }
                window[k + half] = x[j];
            }
            Arrays.sort(window);
            out[i] = window[half];
        }
    }

    /**
     * Dynamic time warping over {@code -matrix} (Whisper's {@code dtw_cpu}): moves are diagonal, down a
     * row or along a frame, ties go along the frame; the path runs from (0, 0) to the last row and frame.
     */
    static Path dtw(double[][] matrix) {
        int n = matrix.length;
        int m = matrix[0].length;
        double[][] cost = new double[n + 1][m + 1];
        byte[][] trace = new byte[n + 1][m + 1];
        for (double[] row : cost) {
            Arrays.fill(row, Double.POSITIVE_INFINITY);
        }
        cost[0][0] = 0;
        for (int j = 1; j <= m; j++) {
            for (int i = 1; i <= n; i++) {
                double c0 = cost[i - 1][j - 1];
                double c1 = cost[i - 1][j];
                double c2 = cost[i][j - 1];
                double c;
                byte t;
                if (c0 < c1 && c0 < c2) {
                    c = c0;
                    t = 0;
                } else if (c1 < c0 && c1 < c2) {
                    c = c1;
                    t = 1;
                } else {
                    c = c2;
                    t = 2;
                }
                cost[i][j] = -matrix[i - 1][j - 1] + c;
                trace[i][j] = t;
            }
        }
        int[] first = new int[n];
        int[] last = new int[n];
        Arrays.fill(first, -1);
        int i = n;
        int j = m;
        while (i > 0 || j > 0) {
            if (i > 0 && j > 0) {
                int row = i - 1;
                int frame = j - 1;
                if (first[row] < 0 || frame < first[row]) {
                    first[row] = frame;
                }
                last[row] = Math.max(last[row], frame);
            }
            int t = i == 0 ? 2 : j == 0 ? 1 : trace[i][j];
            if (t == 0) {
                i--;
                j--;
            } else if (t == 1) {
                i--;
            } else {
                j--;
            }
        }
        // a row the path crossed without a frame of its own (more rows than frames) starts where the next does
        for (int r = n - 1; r >= 0; r--) {
            if (first[r] < 0) {
                first[r] = r + 1 < n ? first[r + 1] : m - 1;
                last[r] = first[r];
            }
        }
        return new Path(first, last);
    }
}
