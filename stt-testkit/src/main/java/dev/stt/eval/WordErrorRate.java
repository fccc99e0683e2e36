package dev.stt.eval;

import java.util.List;

/**
 * Word error rate: (substitutions + deletions + insertions) / reference words, after
 * {@link TextNormalizer}. Summing {@link Score}s over clips gives the aggregate rate, as papers report it.
 */
public final class WordErrorRate {

    private WordErrorRate() {
    }

    /** Edit counts of one hypothesis against one reference. */
    public record Score(int errors, int referenceWords) {

        public Score plus(Score o) {
            return new Score(errors + o.errors, referenceWords + o.referenceWords);
        }

        public double rate() {
            return referenceWords == 0 ? (errors == 0 ? 0 : 1) : (double) errors / referenceWords;
        }
    }

    public static Score score(String reference, String hypothesis) {
        List<String> ref = TextNormalizer.words(reference);
        List<String> hyp = TextNormalizer.words(hypothesis);
        int[] prev = new int[hyp.size() + 1];
        int[] cur = new int[hyp.size() + 1];
        for (int j = 0; j <= hyp.size(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= ref.size(); i++) {
            cur[0] = i;
            for (int j = 1; j <= hyp.size(); j++) {
                int sub = prev[j - 1] + (ref.get(i - 1).equals(hyp.get(j - 1)) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return new Score(prev[hyp.size()], ref.size());
    }

    public static double rate(String reference, String hypothesis) {
        return score(reference, hypothesis).rate();
    }
}
