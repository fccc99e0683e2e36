package dev.stt.engine;

import java.util.List;

/**
 * What an engine heard in one segment.
 *
 * @param text        the transcript; empty when nothing was said or a hallucination guard fired
 * @param language    the language spoken (given or detected), or null when the model has only one
 * @param start       segment start in seconds (0 for a lone segment)
 * @param end         segment end in seconds
 * @param segments    timed pieces of text when timestamps were asked for and the model gives them; else empty
 * @param words       word timings where the model gives them; else empty
 * @param avgLogProb  mean log-probability of the emitted tokens (NaN if unknown)
 * @param noSpeechProb the model's probability that the segment holds no speech (NaN if unknown)
 * @param suppressed  why the text was withheld by a hallucination guard, or null when it was not
 * @param unsureTail  of a provisional decode ({@link TranscribeOptions#provisionalTokens()}), the words after
 *                    {@code text}, which then holds only those more audio would not change: from the first word
 *                    the model was unsure of on, or else its last word, which the end of the audio may have cut.
 *                    Empty for every other decode
 */
public record Transcript(String text, String language, double start, double end,
                         List<TimedText> segments, List<WordTiming> words,
                         double avgLogProb, double noSpeechProb, String suppressed, String unsureTail) {

    public Transcript {
        text = text == null ? "" : text;
        unsureTail = unsureTail == null ? "" : unsureTail;
        segments = List.copyOf(segments);
        words = List.copyOf(words);
    }

    /** A decode whose text is all there is (not provisional). */
    public Transcript(String text, String language, double start, double end, List<TimedText> segments, List<WordTiming> words,
                      double avgLogProb, double noSpeechProb, String suppressed) {
        this(text, language, start, end, segments, words, avgLogProb, noSpeechProb, suppressed, "");
    }

    /** The whole decode: {@link #text()} followed by {@link #unsureTail()}. */
    public String wholeText() {
        return unsureTail.isEmpty() ? text : text.isEmpty() ? unsureTail : text + " " + unsureTail;
    }

    public static Transcript of(String text, double durationSeconds) {
        return new Transcript(text, null, 0, durationSeconds, List.of(), List.of(), Double.NaN, Double.NaN, null);
    }

    public static Transcript suppressed(String reason, double durationSeconds) {
        return new Transcript("", null, 0, durationSeconds, List.of(), List.of(), Double.NaN, Double.NaN, reason);
    }

    /** The same transcript moved to a place on the stream's time line (segment start, in seconds). */
    public Transcript shiftedBy(double offsetSeconds) {
        return new Transcript(text, language, start + offsetSeconds, end + offsetSeconds,
                segments.stream().map(s -> new TimedText(s.text(), s.start() + offsetSeconds, s.end() + offsetSeconds)).toList(),
                words.stream().map(w -> new WordTiming(w.word(), w.start() + offsetSeconds, w.end() + offsetSeconds, w.probability())).toList(),
                avgLogProb, noSpeechProb, suppressed, unsureTail);
    }
}
