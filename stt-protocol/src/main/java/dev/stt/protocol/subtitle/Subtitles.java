package dev.stt.protocol.subtitle;

import dev.stt.engine.TimedText;
import dev.stt.engine.WordTiming;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** SubRip and WebVTT documents from timed cues: what {@code stt transcribe} writes and the HTTP door answers. */
public final class Subtitles {

    /** Two lines of 42 characters: the common limit for a subtitle a viewer can read. */
    static final int MAX_CUE_CHARS = 84;
    /** A cue on screen longer than this is hard to follow with the speech. */
    static final double MAX_CUE_SECONDS = 7;
    /** A pause at least this long between words ends a cue. */
    static final double PAUSE_SECONDS = 0.6;
    /** A sentence end closes a cue that has been shown at least this long. */
    static final double MIN_SENTENCE_CUE_SECONDS = 1;

    private Subtitles() {
    }

    /**
     * Cues from transcribed segments: where a segment's word times spell its text, cut at sentence ends, at pauses, and
     * before a cue would pass two lines or seven seconds, so cues follow the speech; a segment without word
     * times is one cue.
     *
     * @param words every word of every segment, in order, on the same time line
     */
    public static List<TimedText> cues(List<TimedText> segments, List<WordTiming> words) {
        List<TimedText> out = new ArrayList<>();
        int w = 0;
        for (TimedText seg : segments) {
            List<WordTiming> own = new ArrayList<>();
            // words belong to the segment they start in (a word may run past its segment's padded end)
            while (w < words.size() && words.get(w).start() < seg.end()) {
                own.add(words.get(w++));
            }
            if (own.isEmpty() || !spells(own, seg.text())) {
                out.add(seg); // cues from words only when the words say the segment's text: never a word lost
            } else {
                split(own, out);
            }
        }
        return out;
    }

    private static void split(List<WordTiming> words, List<TimedText> into) {
        StringBuilder text = new StringBuilder();
        double start = words.get(0).start();
        double end = start;
        for (WordTiming word : words) {
            String piece = word.word().strip();
            boolean pause = text.length() > 0 && word.start() - end >= PAUSE_SECONDS;
            boolean full = text.length() > 0 && (text.length() + 1 + piece.length() > MAX_CUE_CHARS || word.end() - start > MAX_CUE_SECONDS);
            if (pause || full) {
                into.add(new TimedText(text.toString(), start, end));
                text.setLength(0);
                start = word.start();
            }
            text.append(text.length() == 0 ? "" : " ").append(piece);
            end = word.end();
            if (endsSentence(piece) && end - start >= MIN_SENTENCE_CUE_SECONDS) {
                into.add(new TimedText(text.toString(), start, end));
                text.setLength(0);
            }
            if (text.length() == 0) {
                start = end;
            }
        }
        if (text.length() > 0) {
            into.add(new TimedText(text.toString(), start, end));
        }
    }

    private static boolean spells(List<WordTiming> words, String text) {
        StringBuilder joined = new StringBuilder();
        words.forEach(w -> joined.append(w.word().strip()).append(' '));
        return joined.toString().replaceAll("\\s+", "").equals(text.replaceAll("\\s+", ""));
    }

    private static boolean endsSentence(String word) {
        return !word.isEmpty() && ".?!".indexOf(word.charAt(word.length() - 1)) >= 0;
    }

    public static String srt(List<TimedText> cues) {
        StringBuilder b = new StringBuilder();
        int n = 1;
        for (TimedText c : cues) {
            b.append(n++).append('\n')
                    .append(timestamp(c.start(), ',')).append(" --> ").append(timestamp(c.end(), ',')).append('\n')
                    .append(c.text().strip()).append("\n\n");
        }
        return b.toString();
    }

    public static String vtt(List<TimedText> cues) {
        StringBuilder b = new StringBuilder("WEBVTT\n\n");
        for (TimedText c : cues) {
            b.append(timestamp(c.start(), '.')).append(" --> ").append(timestamp(c.end(), '.')).append('\n')
                    .append(c.text().strip()).append("\n\n");
        }
        return b.toString();
    }

    /** {@code HH:MM:SS,mmm} (SubRip) or {@code HH:MM:SS.mmm} (WebVTT); negative times clamp to 0. */
    public static String timestamp(double seconds, char fractionSeparator) {
        long ms = Math.round(Math.max(0, seconds) * 1000);
        return String.format(Locale.ROOT, "%02d:%02d:%02d%c%03d",
                ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, fractionSeparator, ms % 1000);
    }
}
