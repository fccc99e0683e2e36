package dev.stt.protocol.openai;

import dev.stt.engine.TimedText;
import dev.stt.engine.WordTiming;
import dev.stt.transcribe.FileTranscript;

import java.util.List;

/**
 * A whole file's transcription as the HTTP door renders it.
 *
 * @param text            all segments' text, joined with single spaces
 * @param language        ISO code of the language, or null when unknown
 * @param durationSeconds length of the audio
 * @param segments        one entry per speech segment, times on the file's time line
 * @param words           word timings when the engine gave them, else empty
 * @param scores          the decoder's figures for each of {@code segments}, or empty when unknown
 * @param task            {@code transcribe} or {@code translate}
 */
public record TranscriptionResult(String text, String language, double durationSeconds,
                                  List<TimedText> segments, List<WordTiming> words, List<Scores> scores, String task) {

    /** What the decoder measured for one segment; NaN where the model does not compute it. */
    public record Scores(double avgLogProb, double noSpeechProb) {
    }

    public TranscriptionResult {
        segments = List.copyOf(segments);
        words = List.copyOf(words);
        scores = List.copyOf(scores);
        if (!scores.isEmpty() && scores.size() != segments.size()) {
            throw new IllegalArgumentException("one score per segment: " + scores.size() + " for " + segments.size());
        }
    }

    public TranscriptionResult(String text, String language, double durationSeconds, List<TimedText> segments, List<WordTiming> words) {
        this(text, language, durationSeconds, segments, words, List.of(), "transcribe");
    }

    /** What the HTTP door answers for a transcribed recording: one segment per piece that said something. */
    public static TranscriptionResult of(FileTranscript t, String language, boolean translated) {
        List<Scores> scores = t.spoken().stream().map(p -> new Scores(p.avgLogProb(), p.noSpeechProb())).toList();
        return new TranscriptionResult(t.text(), language, t.durationSeconds(), t.cues(), t.words(), scores,
                translated ? "translate" : "transcribe");
    }
}
