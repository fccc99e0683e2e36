package dev.stt.engine;

/**
 * Per-request decoding options. Engines ignore what their model cannot do (Moonshine has no
 * language choice or prompt) rather than failing.
 *
 * @param language   ISO 639-1 code, or null to detect (multilingual models) or use the model's only language
 * @param prompt     text that conditions the decoder (Whisper), or null
 * @param timestamps whether to produce segment and word times where the model can
 * @param translate  Whisper's translate task instead of transcribe
 * @param beamSize   1 = greedy
 * @param prefix     text the transcript must begin with (what a listener has already been shown of this
 *                   audio), decoded as given; null for none. Engines that cannot force it ignore it
 * @param draft      a likely transcript (the previous decode of this audio's start): an engine may check
 *                   it in one pass instead of decoding it token by token; it changes the cost, not the
 *                   text. Null for none
 * @param provisionalTokens 0 for a decode whose text is final. Above 0, a provisional decode of audio that is
 *                   still being spoken (interim text): at most this many tokens after the prefix (stopping there
 *                   is not a runaway), its text only the words more audio would not change and the rest in its
 *                   {@link Transcript#unsureTail()}; without word times. Honoured where
 *                   {@link SttEngine#decodesProvisionally()}, else ignored
 */
public record TranscribeOptions(String language, String prompt, boolean timestamps, boolean translate, int beamSize,
                                String prefix, String draft, int provisionalTokens) {

    public static final TranscribeOptions DEFAULTS = new TranscribeOptions(null, null, false, false, 1);

    public TranscribeOptions {
        if (beamSize < 1) {
            throw new IllegalArgumentException("beamSize must be >= 1, got " + beamSize);
        }
        if (provisionalTokens < 0) {
            throw new IllegalArgumentException("provisionalTokens must be >= 0, got " + provisionalTokens);
        }
        prefix = prefix == null || prefix.isBlank() ? null : prefix.strip();
        draft = draft == null || draft.isBlank() ? null : draft.strip();
    }

    public TranscribeOptions(String language, String prompt, boolean timestamps, boolean translate, int beamSize) {
        this(language, prompt, timestamps, translate, beamSize, null, null, 0);
    }

    /** The same options for text that must begin with {@code prefix}, with {@code draft} as the likely whole. */
    public TranscribeOptions continuing(String prefix, String draft) {
        return new TranscribeOptions(language, prompt, timestamps, translate, beamSize, prefix, draft, provisionalTokens);
    }

    /** The same options for a provisional decode of at most {@code tokens} tokens after the prefix (0: final text). */
    public TranscribeOptions provisional(int tokens) {
        return new TranscribeOptions(language, prompt, timestamps, translate, beamSize, prefix, draft, tokens);
    }

    public TranscribeOptions withLanguage(String language) {
        return new TranscribeOptions(language, prompt, timestamps, translate, beamSize, prefix, draft, provisionalTokens);
    }

    public TranscribeOptions withPrompt(String prompt) {
        return new TranscribeOptions(language, prompt, timestamps, translate, beamSize, prefix, draft, provisionalTokens);
    }

    public TranscribeOptions withTimestamps(boolean timestamps) {
        return new TranscribeOptions(language, prompt, timestamps, translate, beamSize, prefix, draft, provisionalTokens);
    }

    public TranscribeOptions withTranslate(boolean translate) {
        return new TranscribeOptions(language, prompt, timestamps, translate, beamSize, prefix, draft, provisionalTokens);
    }

    public TranscribeOptions withBeamSize(int beamSize) {
        return new TranscribeOptions(language, prompt, timestamps, translate, beamSize, prefix, draft, provisionalTokens);
    }
}
