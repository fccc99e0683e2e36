package dev.stt.whisper;

import java.util.Arrays;

/**
 * The decoder prompt, split in two. {@link #prefix} ends with {@code <|startoftranscript|>} and is fed
 * in one step, so the first logits are those at the start-of-transcript position, where Whisper reads
 * its language and no-speech probabilities. {@link #forced} follows one token per step: the language
 * (or {@link #DETECT_LANGUAGE}), the task, and {@code <|notimestamps|>} when no timestamps are wanted;
 * English-only models take neither language nor task.
 *
 * @param prefix optional {@code <|startofprev|>} + prompt text, then {@code <|startoftranscript|>}
 * @param forced tokens forced after the prefix
 */
public record WhisperPrompt(long[] prefix, long[] forced, boolean timestamps) {

    /** In {@link #forced}: choose the most likely language token here. */
    public static final long DETECT_LANGUAGE = -1;

    public WhisperPrompt {
        prefix = prefix.clone();
        forced = forced.clone();
        if (prefix.length == 0) {
            throw new IllegalArgumentException("the prompt prefix must end with <|startoftranscript|>");
        }
    }

    /** Index in a row's tokens (prefix included) of the first freely sampled token. */
    public int sampleBegin() {
        return prefix.length + forced.length;
    }

    /**
     * @param language   ISO code, or null to detect (multilingual) — ignored by English-only models
     * @param promptText text the decoder continues from (names, spelling), or null
     * @param maxContext the decoder's context (448): the prompt text keeps its last tokens within half of it
     */
    public static WhisperPrompt build(WhisperTokenizer tokenizer, boolean multilingual, String language, boolean translate,
                                      boolean timestamps, String promptText, int maxContext) {
        WhisperSpecialTokens s = tokenizer.specialTokens();
        long[] prefix;
        if (promptText != null && !promptText.isBlank()) {
            int[] text = tokenizer.encode(" " + promptText.strip());
            int keep = Math.min(text.length, maxContext / 2 - 1);
            prefix = new long[keep + 2];
            prefix[0] = s.startOfPrev();
            for (int i = 0; i < keep; i++) {
                prefix[1 + i] = text[text.length - keep + i];
            }
            prefix[keep + 1] = s.startOfTranscript();
        } else {
            prefix = new long[] {s.startOfTranscript()};
        }
        long[] forced = new long[3];
        int n = 0;
        if (multilingual) {
            if (language == null || language.isBlank()) {
                forced[n++] = DETECT_LANGUAGE;
            } else {
                Integer id = s.languages().get(language.strip().toLowerCase(java.util.Locale.ROOT));
                if (id == null) {
                    throw new IllegalArgumentException("unknown language '" + language + "'; Whisper knows " + s.languages().keySet());
                }
                forced[n++] = id;
            }
            forced[n++] = translate ? s.translate() : s.transcribe();
        }
        if (!timestamps) {
            forced[n++] = s.noTimestamps();
        }
        return new WhisperPrompt(prefix, Arrays.copyOf(forced, n), timestamps);
    }
}
