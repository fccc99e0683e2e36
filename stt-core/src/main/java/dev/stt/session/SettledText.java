package dev.stt.session;

/**
 * What repeated decodes of one growing utterance agree on (whisper_streaming's local agreement of two): the
 * longest run of words two consecutive decodes share, as the newer decode writes them, up to a word the
 * newer one goes on after (a word still being spoken may change). Words are compared without case and
 * without the punctuation around them: a decode of audio cut mid-sentence ends it ("He hoped."), the next
 * one goes on ("He hoped there"), and the words are the same. A decode of audio that ends in a pause
 * ({@link #onPauseDecode}) settles all its words but the last by itself, a provisional one
 * ({@link #onProvisionalDecode}) the words it was sure of. It only grows. The session feeds it
 * to the next decode as the text to begin with, and the decode before as the draft to check, so agreed words
 * are never decoded twice; the doors send its growth as deltas. Not thread-safe; one per utterance.
 */
public final class SettledText {

    private String previous;
    private String settled = "";

    /** The agreed text so far, ending with a space after its last word ("" before two decodes agree). */
    public String settled() {
        return settled;
    }

    /** The latest decode that said something, or null before the first. */
    public String previous() {
        return previous;
    }

    /**
     * Takes the next decode of the utterance so far; returns what it added to {@link #settled()}, or "". An
     * empty decode after one with words is passed over: a decode that heard more and says nothing was
     * withheld by a guard, it did not take the words back.
     */
    public String onDecode(String decode) {
        String text = decode == null ? "" : decode.strip();
        String last = previous;
        if (text.isEmpty() && last != null && !last.isEmpty()) {
            return "";
        }
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
     * Takes a decode of the utterance heard up to a pause (the speaker stopped: no word was cut by the end of
     * the audio). Besides what it agrees with the decode before, all its words but the last are settled by
     * it alone when it begins with the settled text, as a decode that continued it does: under load a turn
     * may have had no interim decode to agree with, and this is its text half a second before the final. The
     * last word waits: its punctuation depends on whether speech comes back. Returns what was added.
     */
    public String onPauseDecode(String decode) {
        String before = settled;
        onDecode(decode);
        String text = decode == null ? "" : decode.strip();
        java.util.List<int[]> w = words(text);
        if (w.size() >= 2) {
            settleIfContinues(text.substring(0, w.get(w.size() - 2)[1]) + " ");
        }
        return settled.substring(before.length());
    }

    /**
     * Takes a provisional decode ({@link dev.stt.engine.TranscribeOptions#provisionalTokens()}): {@code whole} is
     * all it said, {@code sure} the words of it more audio would not change (its text, without its unsure tail),
     * settled by it alone when they go on from the settled text. Returns what was added.
     */
    public String onProvisionalDecode(String sure, String whole) {
        String before = settled;
        onDecode(whole);
        String words = sure == null ? "" : sure.strip();
        if (!words.isEmpty()) {
            settleIfContinues(words + " ");
        }
        return settled.substring(before.length());
    }

    /** Settles {@code text} (words, then a space) when it goes on from the settled text; returns what was added. */
    private String settleIfContinues(String text) {
        if (text.length() > settled.length() && text.startsWith(settled)) {
            String added = text.substring(settled.length());
            settled = text;
            return added;
        }
        return "";
    }

    /**
     * The words {@code older} and {@code newer} share from their start, as {@code newer} writes them and
     * followed by a space, through the last one known to be whole: one the newer decode goes on after, or
     * its last word when the older decode went on after that.
     */
    public static String stablePrefix(String older, String newer) {
        java.util.List<int[]> o = words(older);
        java.util.List<int[]> n = words(newer);
        int k = 0;
        while (k < o.size() && k < n.size() && sameWord(older, o.get(k), newer, n.get(k))) {
            k++;
        }
        if (k == n.size() && k == o.size()) {
            k--; // both end on this word: the audio may have cut it
        }
        return k <= 0 ? "" : newer.substring(0, n.get(k - 1)[1]) + " ";
    }

    /** [start, end) of each whitespace-separated word. */
    private static java.util.List<int[]> words(String text) {
        java.util.List<int[]> out = new java.util.ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i > start) {
                out.add(new int[] {start, i});
            }
        }
        return out;
    }

    private static boolean sameWord(String a, int[] x, String b, int[] y) {
        String u = bare(a.substring(x[0], x[1]));
        String v = bare(b.substring(y[0], y[1]));
        return u.isEmpty() || v.isEmpty() ? a.substring(x[0], x[1]).equals(b.substring(y[0], y[1])) : u.equals(v);
    }

    /** The word without the punctuation before and after it, in lower case ("Ask." and "ask" are one word). */
    private static String bare(String word) {
        int from = 0;
        int to = word.length();
        while (from < to && !Character.isLetterOrDigit(word.charAt(from))) {
            from++;
        }
        while (to > from && !Character.isLetterOrDigit(word.charAt(to - 1))) {
            to--;
        }
        return word.substring(from, to).toLowerCase(java.util.Locale.ROOT);
    }
}
