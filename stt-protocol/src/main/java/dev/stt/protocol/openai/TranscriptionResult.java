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
 */
public record TranscriptionResult(String text, String language, double durationSeconds,
                                  List<TimedText> segments, List<WordTiming> words) {

    public TranscriptionResult {
        segments = List.copyOf(segments);
        words = List.copyOf(words);
    }

    /** What the HTTP door answers for a transcribed recording: one segment per piece that said something. */
    public static TranscriptionResult of(FileTranscript t) {
        return new TranscriptionResult(t.text(), t.language(), t.durationSeconds(), t.cues(), t.words());
    }
}
