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
 */
public record TranscribeOptions(String language, String prompt, boolean timestamps, boolean translate, int beamSize) {

    public static final TranscribeOptions DEFAULTS = new TranscribeOptions(null, null, false, false, 1);

    public TranscribeOptions {
        if (beamSize < 1) {
            throw new IllegalArgumentException("beamSize must be >= 1, got " + beamSize);
        }
    }

    public TranscribeOptions withLanguage(String language) {
        return new TranscribeOptions(language, prompt, timestamps, translate, beamSize);
    }

    public TranscribeOptions withPrompt(String prompt) {
        return new TranscribeOptions(language, prompt, timestamps, translate, beamSize);
    }

    public TranscribeOptions withTimestamps(boolean timestamps) {
        return new TranscribeOptions(language, prompt, timestamps, translate, beamSize);
    }

    public TranscribeOptions withTranslate(boolean translate) {
        return new TranscribeOptions(language, prompt, timestamps, translate, beamSize);
    }

    public TranscribeOptions withBeamSize(int beamSize) {
        return new TranscribeOptions(language, prompt, timestamps, translate, beamSize);
    }
}
