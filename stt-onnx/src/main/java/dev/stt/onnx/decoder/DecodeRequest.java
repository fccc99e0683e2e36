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
 * @param forced          the first output tokens of every row, taken as they are (text a client has already
 *                        been shown); scored but not chosen, and not counted in {@code maxNewTokens}
 * @param draft           a guess at what follows {@code forced} (the previous decode of the same audio's
 *                        start), single-row decodes only: fed with the prompt in one run and kept as far as
 *                        greedy choice agrees with it, so agreed tokens cost no step of their own; the
 *                        result is the greedy decode's, draft or not
 */
public record DecodeRequest(long[] prompt, long[] stopTokens, int[] maxNewTokens, LogitsFilter filter,
                            FirstStepListener firstStepLogits, long[] forced, long[] draft) {

    public DecodeRequest {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(stopTokens, "stopTokens");
        Objects.requireNonNull(maxNewTokens, "maxNewTokens");
        if (prompt.length == 0) {
            throw new IllegalArgumentException("prompt must hold at least one token");
        }
        filter = filter == null ? LogitsFilter.NONE : filter;
        forced = forced == null ? new long[0] : forced;
        draft = draft == null ? new long[0] : draft;
        if (draft.length > 0 && maxNewTokens.length != 1) {
            throw new IllegalArgumentException("a draft is checked on single-row decodes only, this one has " + maxNewTokens.length + " rows");
        }
    }

    /** Nothing forced, no draft: every output token is chosen. */
    public DecodeRequest(long[] prompt, long[] stopTokens, int[] maxNewTokens, LogitsFilter filter, FirstStepListener firstStepLogits) {
        this(prompt, stopTokens, maxNewTokens, filter, firstStepLogits, null, null);
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
