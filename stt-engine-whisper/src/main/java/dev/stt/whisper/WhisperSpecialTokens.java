package dev.stt.whisper;

import java.util.Map;
import java.util.Objects;

/**
 * The ids of Whisper's control tokens, read from the model's tokenizer files (never hard-coded: English-only
 * and multilingual vocabularies place them differently, and exports may differ again).
 *
 * @param languages language code → token id (English-only vocabularies list them too, though their
 *                  models never emit them; whether a model is multilingual comes from its config)
 */
public record WhisperSpecialTokens(int endOfText, int startOfTranscript, int translate, int transcribe,
                                   int startOfLm, int startOfPrev, int noSpeech, int noTimestamps,
                                   int timestampBegin, Map<String, Integer> languages) {

    /** Whisper's timestamp tokens are 0.02 s apart, 0.00 to 30.00. */
    public static final double SECONDS_PER_TIMESTAMP = 0.02;
    public static final int TIMESTAMP_COUNT = 1501;

    public WhisperSpecialTokens {
        Objects.requireNonNull(languages, "languages");
        languages = Map.copyOf(languages);
    }

    public boolean isTimestamp(long token) {
        return token >= timestampBegin;
    }

    public double secondsOf(long timestampToken) {
        return (timestampToken - timestampBegin) * SECONDS_PER_TIMESTAMP;
    }

    /** The language of a language token, or null. */
    public String languageOf(long token) {
        for (Map.Entry<String, Integer> e : languages.entrySet()) {
            if (e.getValue() == token) {
                return e.getKey();
            }
        }
        return null;
    }
}
