package dev.stt.protocol;

/**
 * Turns repeated decodes of one growing speech segment into {@code delta} events whose concatenation is
 * exactly the item's {@code completed} transcript.
 *
 * <p>Only stable text is sent: the longest prefix on which two consecutive decodes agree, cut back to a
 * word boundary both share (a word still being spoken may change). Deltas never retract: once text is
 * sent it stays the start of the item's transcript. The final decode normally starts with what was sent,
 * and then {@code completed} is simply that decode. When it does not (the model changed its mind after
 * hearing more), {@code completed} is the sent text followed by the final decode's words after as many
 * words as were sent, so the sent text is never contradicted and nothing is said twice. Not thread-safe;
 * one per item.
 */
public final class InterimTranscript {

    private String previous;
    private String sent = "";

    /** What has been sent as deltas so far. */
    public String sent() {
        return sent;
    }

    /** Takes an interim decode of the segment so far; returns the next delta to send, or "" for none. */
    public String onInterimDecode(String decode) {
        String text = decode == null ? "" : decode.strip();
        String last = previous;
        previous = text;
        if (last == null) {
            return "";
        }
        String stable = stablePrefix(last, text);
        if (stable.length() <= sent.length() || !stable.startsWith(sent)) {
            return "";
        }
        String delta = stable.substring(sent.length());
        sent = stable;
        return delta;
    }

    /** The item's final text, which always starts with {@link #sent()}. */
    public String complete(String finalDecode) {
        String text = finalDecode == null ? "" : finalDecode.strip();
        if (text.startsWith(sent)) {
            return text;
        }
        String[] sentWords = sent.isBlank() ? new String[0] : sent.strip().split("\\s+");
        String[] words = text.isEmpty() ? new String[0] : text.split("\\s+");
        if (words.length <= sentWords.length) {
            return sent;
        }
        String rest = String.join(" ", java.util.Arrays.copyOfRange(words, sentWords.length, words.length));
        return sent.endsWith(" ") || sent.isEmpty() ? sent + rest : sent + " " + rest;
    }

    /** The last delta: what {@code completed} adds to what was sent. */
    public String finalDelta(String completed) {
        return completed.substring(Math.min(sent.length(), completed.length()));
    }

    /** Longest common prefix of two decodes, ending just after a space both share. */
    static String stablePrefix(String a, String b) {
        int n = Math.min(a.length(), b.length());
        int i = 0;
        while (i < n && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        int cut = -1;
        for (int k = i - 1; k >= 0; k--) {
            if (Character.isWhitespace(a.charAt(k))) {
                cut = k + 1;
                break;
            }
        }
        return cut < 0 ? "" : a.substring(0, cut);
    }
}
