package dev.stt.onnx.decoder;

import java.util.Objects;

/**
 * What to decode: the prompt every row starts with, when to stop, and how far a row may run.
 *
 * @param prompt          the forced first tokens (Moonshine: start of text; Whisper: start of transcript, language, task)
 * @param stopTokens      tokens that end a row
 * @param maxNewTokens    per-row cap on generated tokens (a row's audio length decides it)
 * @param filter          logits edits applied before each choice
 * @param firstStepLogits told each row's logits after the prompt, before filtering (language detection,
 *                        no-speech probability); may be null
 */
public record DecodeRequest(long[] prompt, long[] stopTokens, int[] maxNewTokens, LogitsFilter filter,
                            FirstStepListener firstStepLogits) {

    public DecodeRequest {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(stopTokens, "stopTokens");
        Objects.requireNonNull(maxNewTokens, "maxNewTokens");
        if (prompt.length == 0) {
            throw new IllegalArgumentException("prompt must hold at least one token");
        }
        filter = filter == null ? LogitsFilter.NONE : filter;
    }

    /** Whether {@code token} ends a sequence. */
    public boolean isStop(long token) {
        for (long s : stopTokens) {
            if (s == token) {
                return true;
            }
        }
        return false;
    }

    /**
     * Sees a copy of each row's raw logits at the first generated position, before any filter (language
     * detection, the no-speech probability); it only reads them and cannot change the decode.
     */
    @FunctionalInterface
    public interface FirstStepListener {
        void accept(int row, float[] logits);
    }
}
