package dev.stt.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Makes transcripts comparable for word error rate: lowercase, punctuation removed, hyphens split
 * words, digits spelled out as words ("1961" → "nineteen sixty one").
 */
public final class TextNormalizer {

    private static final String[] ONES = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
        "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
    private static final String[] TENS = {"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"};

    /** Spoken forms of abbreviations, as Whisper's English normalizer has them. */
    private static final java.util.Map<String, String> SPOKEN = java.util.Map.of(
            "mr", "mister", "mrs", "missus", "dr", "doctor", "st", "saint", "jr", "junior", "sr", "senior");

    private TextNormalizer() {
    }

    public static List<String> words(String text) {
        // "10,000" is one number, not "ten zero"
        String t = text.toLowerCase(Locale.ROOT).replace('-', ' ').replace('\u2019', '\'')
                .replaceAll("(?<=\\d),(?=\\d{3})", "");
        StringBuilder clean = new StringBuilder();
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (Character.isLetterOrDigit(c) || Character.isWhitespace(c)) {
                clean.append(c);
            } else if (c == '\'' && i > 0 && i + 1 < t.length() && Character.isLetter(t.charAt(i - 1)) && Character.isLetter(t.charAt(i + 1))) {
                clean.append(c); // keep "don't" one word
            } else {
                clean.append(' ');
            }
        }
        List<String> out = new ArrayList<>();
        for (String w : clean.toString().trim().split("\\s+")) {
            if (w.isEmpty()) {
                continue;
            }
            if (w.chars().allMatch(Character::isDigit) && w.length() <= 9) {
                out.addAll(List.of(number(Integer.parseInt(w), w.length() == 4).split(" ")));
            } else {
                out.add(SPOKEN.getOrDefault(w, w));
            }
        }
        return out;
    }

    public static String normalize(String text) {
        return String.join(" ", words(text));
    }

    /** Spells a number; four-digit numbers read as years ("1961" → "nineteen sixty one"). */
    static String number(int n, boolean yearLike) {
        if (yearLike && n >= 1100 && n < 10000 && n % 1000 >= 100 && (n / 100) % 10 != 0) {
            int hi = n / 100, lo = n % 100;
            return below100(hi) + " " + (lo == 0 ? "hundred" : lo < 10 ? "oh " + ONES[lo] : below100(lo));
        }
        return spell(n);
    }

    private static String spell(int n) {
        if (n < 100) {
            return below100(n);
        }
        if (n < 1000) {
            return ONES[n / 100] + " hundred" + (n % 100 == 0 ? "" : " " + below100(n % 100));
        }
        if (n < 1_000_000) {
            return spell(n / 1000) + " thousand" + (n % 1000 == 0 ? "" : " " + spell(n % 1000));
        }
        return spell(n / 1_000_000) + " million" + (n % 1_000_000 == 0 ? "" : " " + spell(n % 1_000_000));
    }

    private static String below100(int n) {
        if (n < 20) {
            return ONES[n];
        }
        return TENS[n / 10] + (n % 10 == 0 ? "" : " " + ONES[n % 10]);
    }
}
