package dev.stt.protocol;

/**
 * Turns the settled text of one growing speech segment into {@code delta} events whose concatenation is
 * exactly the item's {@code completed} transcript.
 *
 * <p>Only stable text is sent: what the session's decodes settled ({@link dev.stt.session.SettledText}). Deltas never
 * retract: once text is sent it stays the start of the item's transcript. The final decode normally starts
 * with what was sent (the session forces it), and then {@code completed} is simply that decode. When it does
 * not (an engine that cannot force it, and the model changed its mind after hearing more), {@code completed}
 * is the sent text followed by the final decode's words after as many words as were sent, so the sent text
 * is never contradicted and nothing is said twice. Not thread-safe;
 * one per item.
 */
public final class InterimTranscript {

    private String sent = "";

    /** What has been sent as deltas so far. */
    public String sent() {
        return sent;
    }

    /**
     * Takes the segment's settled text so far (it only grows); returns the next delta to send, or "" for none.
     * Text that does not continue what was sent is not sent.
     */
    public String onSettled(String settled) {
        if (settled == null || settled.length() <= sent.length() || !settled.startsWith(sent)) {
            return "";
        }
        String delta = settled.substring(sent.length());
        sent = settled;
        return delta;
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
}
