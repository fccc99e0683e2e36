package dev.stt.whisper;

import dev.stt.engine.TimedText;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns sampled tokens into text and timed segments: a timestamp opens a segment, the next timestamp
 * after some text closes it (pairs like {@code <|1.00|><|1.00|>} close one and open the next), and text
 * left open at the end runs to the end of the audio.
 */
final class WhisperSegments {

    record Result(String text, List<TimedText> segments) {
    }

    private WhisperSegments() {
    }

    static Result parse(long[] sampled, WhisperTokenizer tokenizer, double durationSeconds) {
        WhisperSpecialTokens s = tokenizer.specialTokens();
        List<TimedText> segments = new ArrayList<>();
        List<Long> all = new ArrayList<>();
        List<Long> open = new ArrayList<>();
        double start = Double.NaN;
        double lastEnd = 0;
        for (long t : sampled) {
            if (s.isTimestamp(t)) {
                double time = Math.min(s.secondsOf(t), Math.max(durationSeconds, 0));
                if (Double.isNaN(start) || open.isEmpty()) {
                    start = time;
                } else {
                    segments.add(new TimedText(decode(tokenizer, open), start, Math.max(start, time)));
                    lastEnd = time;
                    open.clear();
                    start = Double.NaN;
                }
            } else if (!tokenizer.isSpecial(t)) {
                if (Double.isNaN(start)) {
                    start = lastEnd;
                }
                open.add(t);
                all.add(t);
            }
        }
        if (!open.isEmpty()) {
            segments.add(new TimedText(decode(tokenizer, open), start, Math.max(start, durationSeconds)));
        }
        segments.removeIf(seg -> seg.text().isEmpty());
        return new Result(decode(tokenizer, all), segments);
    }

    private static String decode(WhisperTokenizer tokenizer, List<Long> ids) {
        return tokenizer.decode(ids.stream().mapToLong(Long::longValue).toArray()).strip();
    }
}
