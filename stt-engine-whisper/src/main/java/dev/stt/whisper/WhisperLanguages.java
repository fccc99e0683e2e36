package dev.stt.whisper;

import java.util.List;

/**
 * Whisper's language codes in the order of openai/whisper {@code tokenizer.py} LANGUAGES: the order
 * fixes the language tokens' ids right after {@code <|startoftranscript|>}. large-v3 added the 100th
 * (Cantonese); older multilingual models have the first 99.
 */
public final class WhisperLanguages {

    public static final List<String> CODES = List.of(
            "en", "zh", "de", "es", "ru", "ko", "fr", "ja", "pt", "tr", "pl", "ca", "nl", "ar", "sv", "it", "id", "hi", "fi", "vi",
            "he", "uk", "el", "ms", "cs", "ro", "da", "hu", "ta", "no", "th", "ur", "hr", "bg", "lt", "la", "mi", "ml", "cy", "sk",
            "te", "fa", "lv", "bn", "sr", "az", "sl", "kn", "et", "mk", "br", "eu", "is", "hy", "ne", "mn", "bs", "kk", "sq", "sw",
            "gl", "mr", "pa", "si", "km", "sn", "yo", "so", "af", "oc", "ka", "be", "tg", "sd", "gu", "am", "yi", "lo", "uz", "fo",
            "ht", "ps", "tk", "nn", "mt", "sa", "lb", "my", "bo", "tl", "mg", "as", "tt", "haw", "ln", "ha", "ba", "jw", "su", "yue");

    private WhisperLanguages() {
    }

    public static boolean isCode(String code) {
        return CODES.contains(code);
    }
}
