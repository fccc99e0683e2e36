package dev.stt.protocol.openai;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The form fields of {@code POST /v1/audio/transcriptions} and {@code /v1/audio/translations}, checked as
 * OpenAI checks them: each wrong field is a 400 naming it, never silently ignored.
 *
 * @param model         the model asked for, or null for the server's default
 * @param language      ISO-639-1 code of the speech, or null to detect (never set for translations)
 * @param prompt        text to continue from, or null
 * @param format        how to answer
 * @param temperature   sampling temperature in [0, 1] (0 = greedy, what every engine here does)
 * @param words         word timestamps asked for ({@code timestamp_granularities[]=word})
 * @param stream        answer as server-sent events, a delta per transcribed piece
 * @param translate     the translations route: English text from any language
 */
public record TranscriptionRequest(String model, String language, String prompt, TranscriptionResponseFormat format,
                                   double temperature, boolean words, boolean stream, boolean translate) {

    /**
     * @param fields        single-valued form fields by name
     * @param granularities every {@code timestamp_granularities[]} value, in order
     * @param translate     whether this is the translations route (which has no {@code language})
     * @throws InvalidRequestException naming the first wrong field
     */
    public static TranscriptionRequest parse(Map<String, String> fields, List<String> granularities, boolean translate) {
        TranscriptionResponseFormat format;
        try {
            format = TranscriptionResponseFormat.fromWireName(blankToNull(fields.get("response_format")));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("response_format", e.getMessage());
        }
        double temperature = 0;
        String t = blankToNull(fields.get("temperature"));
        if (t != null) {
            try {
                temperature = Double.parseDouble(t.strip());
            } catch (NumberFormatException e) {
                throw new InvalidRequestException("temperature", "temperature must be a number between 0 and 1, got '" + t + "'");
            }
            if (!(temperature >= 0 && temperature <= 1)) {
                throw new InvalidRequestException("temperature", "temperature must be between 0 and 1, got " + t.strip());
            }
        }
        String language = null;
        if (fields.containsKey("language") && translate) {
            throw new InvalidRequestException("language", "translations have no 'language': the answer is always English");
        }
        String l = blankToNull(fields.get("language"));
        if (l != null) {
            language = l.strip().toLowerCase(Locale.ROOT);
            if (!language.matches("[a-z]{2}")) {
                throw new InvalidRequestException("language", "language must be an ISO-639-1 code such as 'en', got '" + l + "'");
            }
        }
        for (String g : granularities) {
            if (!g.equals("word") && !g.equals("segment")) {
                throw new InvalidRequestException("timestamp_granularities", "timestamp_granularities[] must be 'word' or 'segment', got '" + g + "'");
            }
        }
        if (!granularities.isEmpty() && format != TranscriptionResponseFormat.VERBOSE_JSON) {
            throw new InvalidRequestException("timestamp_granularities",
                    "timestamp_granularities[] needs response_format 'verbose_json', got '" + format.wireName() + "'");
        }
        boolean stream = bool(fields.get("stream"), "stream");
        if (stream && format != TranscriptionResponseFormat.JSON && format != TranscriptionResponseFormat.TEXT) {
            throw new InvalidRequestException("stream", "stream=true answers with server-sent events; use response_format"
                    + " 'json' or 'text' with it, not '" + format.wireName() + "'");
        }
        return new TranscriptionRequest(blankToNull(fields.get("model")), language, blankToNull(fields.get("prompt")), format,
                temperature, granularities.contains("word"), stream, translate);
    }

    private static boolean bool(String v, String param) {
        if (v == null || v.isBlank() || v.strip().equalsIgnoreCase("false")) {
            return false;
        }
        if (v.strip().equalsIgnoreCase("true")) {
            return true;
        }
        throw new InvalidRequestException(param, param + " must be true or false, got '" + v + "'");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
