package dev.stt.onnx.decoder;

/**
 * One row's result of {@link MergedDecoderLoop}.
 *
 * @param tokens        generated tokens after the prompt, without the stop token
 * @param sumLogProb    sum of the log-probabilities of the generated tokens (stop token included)
 * @param stopped       true when a stop token ended the row, false when it ran into its token limit
 * @param tokenLogProbs each output token's log-probability (as chosen, after the filter; forced ones as
 *                      greedy decoding scored them); null where the caller had none
 * @param attention     the cross-attention of each decoder run, when the decoder exposes it (word times);
 *                      else null
 */
public record DecodedSequence(long[] tokens, double sumLogProb, boolean stopped, double[] tokenLogProbs,
                              CrossAttention attention) {

    public DecodedSequence(long[] tokens, double sumLogProb, boolean stopped) {
        this(tokens, sumLogProb, stopped, null, null);
    }

    public double avgLogProb() {
        return sumLogProb / (tokens.length + (stopped ? 1 : 0));
    }
}
