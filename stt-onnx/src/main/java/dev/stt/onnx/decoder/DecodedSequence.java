package dev.stt.onnx.decoder;

/**
 * One row's result of {@link MergedDecoderLoop}.
 *
 * @param tokens     generated tokens after the prompt, without the stop token
 * @param sumLogProb sum of the log-probabilities of the generated tokens (stop token included)
 * @param stopped    true when a stop token ended the row, false when it ran into its token limit
 */
public record DecodedSequence(long[] tokens, double sumLogProb, boolean stopped) {

    public double avgLogProb() {
        return sumLogProb / (tokens.length + (stopped ? 1 : 0));
    }
}
