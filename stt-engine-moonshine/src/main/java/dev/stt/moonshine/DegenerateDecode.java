package dev.stt.moonshine;

/**
 * Spots decodes that are hallucinations rather than speech: a phrase looping until the token cap
 * stops it is the classic failure of small seq2seq models on noise or music.
 */
final class DegenerateDecode {

    /** A tail phrase repeated this many times in a row counts as a loop. */
    static final int LOOP_REPEATS = 4;
    static final int LONGEST_PHRASE = 8;
    /**
     * A loop must also span this many tokens: SentencePiece spells numbers digit by digit, so "1,000,000"
     * ends in runs of the single token "0" that are speech, not a loop.
     */
    static final int LOOP_SPAN = 8;

    private DegenerateDecode() {
    }

    /** @return why the decode is degenerate, or null when it looks like speech */
    static String reason(long[] tokens, boolean stopped) {
        for (int n = 1; n <= LONGEST_PHRASE; n++) {
            int repeats = repeatsAtEnd(tokens, n);
            if (repeats >= LOOP_REPEATS && repeats * n >= LOOP_SPAN) {
                return "repetition loop (" + n + "-token phrase repeated " + repeats + " times)";
            }
        }
        if (!stopped) {
            return "token limit reached without end of text";
        }
        return null;
    }

    private static int repeatsAtEnd(long[] t, int n) {
        if (t.length < 2 * n) {
            return 1;
        }
        int count = 1;
        for (int start = t.length - 2 * n; start >= 0; start -= n) {
            for (int i = 0; i < n; i++) {
                if (t[start + i] != t[t.length - n + i]) {
                    return count;
                }
            }
            count++;
        }
        return count;
    }
}
