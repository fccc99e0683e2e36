package dev.stt.onnx.decoder;

/** Turning logits into log-probabilities, for every decoder that ranks tokens by them. */
public final class LogProbabilities {

    private LogProbabilities() {
    }

    /** log(sum(exp(x))), the softmax normaliser: {@code exp(x[i] - logSumExp(x))} is token i's probability. */
    public static double logSumExp(float[] x) {
        return logSumExp(x, 0, x.length);
    }

    /**
     * The normaliser over {@code x[from..to)} alone (the timestamp tokens, the language tokens);
     * negative infinity when every one of them is masked.
     */
    public static double logSumExp(float[] x, int from, int to) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) {
            max = Math.max(max, x[i]);
        }
        if (max == Float.NEGATIVE_INFINITY) {
            return Double.NEGATIVE_INFINITY;
        }
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += Math.exp(x[i] - max);
        }
        return max + Math.log(sum);
    }
}
