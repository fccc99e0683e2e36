package dev.stt.session;

import dev.stt.engine.SttEngine;
import dev.stt.engine.TranscribeOptions;
import dev.stt.engine.Transcript;
import dev.stt.segment.SpeechSegment;
import java.util.function.BiConsumer;

/**
 * A transcription started while the speaker pauses, before the segmenter has heard the whole silence
 * window ({@link dev.stt.segment.SpeechSegmenter#closingSegment()}). When the pause turns out to be the
 * end of the utterance, the segment that closes is the same audio and its transcript is ready, or
 * nearly, by then: the silence window stops adding the decode time to the latency. When speech comes
 * back, the result is dropped. Started only on an idle inference worker, so it never delays the
 * transcription of a segment that has closed.
 */
final class EarlyDecode {

    private final long startSample;
    private final int length;

    // guarded by this
    private boolean done;
    private Transcript transcript;
    private RuntimeException error;
    private BiConsumer<Transcript, RuntimeException> then;

    EarlyDecode(SpeechSegment segment) {
        this.startSample = segment.startSample();
        this.length = segment.samples().length;
    }

    /** Whether a closed segment is the audio this decode ran on (one stream: same place, same length). */
    boolean covers(SpeechSegment closed) {
        return closed.startSample() == startSample && closed.samples().length == length;
    }

    /** Runs on an inference worker. */
    void run(SttEngine engine, float[] samples, TranscribeOptions options) {
        Transcript t = null;
        RuntimeException e = null;
        try {
            t = engine.transcribe(samples, options);
        } catch (RuntimeException failure) {
            e = failure;
        } catch (Error failure) {
            e = TranscriptionSession.internalError(failure); // still answers the segment that waits on it
        }
        BiConsumer<Transcript, RuntimeException> action;
        synchronized (this) {
            done = true;
            transcript = t;
            error = e;
            action = then;
        }
        if (action != null) {
            action.accept(t, e);
        }
    }

    /** The transcript once the decode has succeeded; null while it runs or when it failed. */
    synchronized Transcript transcript() {
        return transcript;
    }

    /** Hands the result to {@code action}: now, on this thread, if it is ready; else on the worker when it is. */
    void whenDone(BiConsumer<Transcript, RuntimeException> action) {
        synchronized (this) {
            if (!done) {
                then = action;
                return;
            }
        }
        action.accept(transcript, error);
    }
}
