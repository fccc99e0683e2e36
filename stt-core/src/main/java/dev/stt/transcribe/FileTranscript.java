package dev.stt.transcribe;

import dev.stt.engine.TimedText;
import dev.stt.engine.Transcript;
import dev.stt.engine.WordTiming;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A whole recording's transcription.
 *
 * @param durationSeconds how long the audio was
 * @param language        the language given or detected in the first segment that had any, or null
 * @param segments        what was heard in each transcribed piece, in order, times on the recording's time line;
 *                        a piece whose text a hallucination guard withheld is kept with empty text
 */
public record FileTranscript(double durationSeconds, String language, List<Transcript> segments) {

    public FileTranscript {
        segments = List.copyOf(segments);
    }

    /** Every piece's text, stripped, joined by single spaces; empty pieces leave no gap. */
    public String text() {
        return segments.stream().map(t -> t.text().strip()).filter(t -> !t.isEmpty()).collect(Collectors.joining(" "));
    }

    /** The pieces that said something: what subtitles and OpenAI's segment lists show. */
    public List<Transcript> spoken() {
        return segments.stream().filter(t -> !t.text().isBlank()).toList();
    }

    /** The spoken pieces as timed text, stripped: one subtitle cue or verbose_json segment each. */
    public List<TimedText> cues() {
        return spoken().stream().map(t -> new TimedText(t.text().strip(), t.start(), t.end())).toList();
    }

    /** Word timings of every piece, in order, where the engine gave them. */
    public List<WordTiming> words() {
        return segments.stream().flatMap(t -> t.words().stream()).toList();
    }
}
