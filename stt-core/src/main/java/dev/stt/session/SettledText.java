package dev.stt.session;

/**
 * What repeated decodes of one growing utterance agree on (whisper_streaming's local agreement of two):
 * the longest prefix two consecutive decodes share, cut back to a word boundary both have (a word still
 * being spoken may change). It only grows. The session feeds it to the next decode as the text to begin
 * with, and the decode before as the draft to check, so agreed words are never decoded twice; the
 * Realtime door sends its growth as deltas. Not thread-safe; one per utterance.
 */
public final class SettledText {

    private String previous;
    private String settled = "";

    /** The agreed text so far, ending at a word boundary ("" before two decodes agree). */
    public String settled() {
        return settled;
    }

    /** The latest decode, or null before the first. */
    public String previous() {
        return previous;
    }

    /** Takes the next decode of the utterance so far; returns what it added to {@link #settled()}, or "". */
    public String onDecode(String decode) {
        String text = decode == null ? "" : decode.strip();
        String last = previous;
        previous = text;
        if (last == null) {
            return "";
        }
        String stable = stablePrefix(last, text);
        if (stable.length() <= settled.length() || !stable.startsWith(settled)) {
            return "";
        }
        String added = stable.substring(settled.length());
        settled = stable;
        return added;
    }

    /**
     * Longest common prefix of two decodes, ending just after a space both share; or, when one decode is all
     * of the other's start and the other goes on after a space there, the whole shorter one: its last word
     * is then a whole word in both (the usual case, the newer decode continuing the older), where a word
     * cut by the end of the audio ("fell" against "fellow") is held back.
     */
    public static String stablePrefix(String a, String b) {
        int n = Math.min(a.length(), b.length());
        int i = 0;
        while (i < n && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        String longer = a.length() > b.length() ? a : b;
        if (i == n && n > 0 && longer.length() > n && Character.isWhitespace(longer.charAt(n))) {
            return longer.substring(0, n + 1);
        }
        for (int k = i - 1; k >= 0; k--) {
            if (Character.isWhitespace(a.charAt(k))) {
                return a.substring(0, k + 1);
            }
        }
        return "";
    }
}
