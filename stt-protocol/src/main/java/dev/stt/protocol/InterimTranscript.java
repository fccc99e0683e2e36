package dev.stt.protocol;

import dev.stt.session.SettledText;

/**
 * Turns repeated decodes of one growing speech segment into {@code delta} events whose concatenation is
 * exactly the item's {@code completed} transcript.
 *
 * <p>Only stable text is sent: what two consecutive decodes agree on ({@link SettledText}). Deltas never
 * retract: once text is sent it stays the start of the item's transcript. The final decode normally starts
 * with what was sent (the session forces it), and then {@code completed} is simply that decode. When it does
 * not (an engine that cannot force it, and the model changed its mind after hearing more), {@code completed}
 * is the sent text followed by the final decode's words after as many words as were sent, so the sent text
 * is never contradicted and nothing is said twice. Not thread-safe;
 * one per item.
 */
public final class InterimTranscript {

    private final SettledText agreement = new SettledText();

    /** What has been sent as deltas so far. */
    public String sent() {
        return agreement.settled();
    }

    /** Takes an interim decode of the segment so far; returns the next delta to send, or "" for none. */
    public String onInterimDecode(String decode) {
        return agreement.onDecode(decode);
    }

    /** The item's final text, which always starts with {@link #sent()}. */
    public String complete(String finalDecode) {
        String sent = sent();
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
        return completed.substring(Math.min(sent().length(), completed.length()));
    }

    static String stablePrefix(String a, String b) {
        return SettledText.stablePrefix(a, b);
    }
}
