package dev.stt.onnx.decoder;

/**
 * Edits one row's next-token logits before the choice is made: Whisper's suppress-tokens and timestamp
 * rules live here, so the loop itself stays model-agnostic. Set a logit to negative infinity to forbid
 * a token.
 */
@FunctionalInterface
public interface LogitsFilter {

    LogitsFilter NONE = (row, step, tokens, logits) -> { };

    /**
     * @param row    batch row
     * @param step   0 for the token that follows the prompt
     * @param tokens the row's tokens so far, prompt included
     * @param logits the row's logits over the vocabulary, edited in place
     */
    void apply(int row, int step, long[] tokens, float[] logits);
}
