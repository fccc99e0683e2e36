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
 * back, the result is dropped. It waits for an idle inference worker ({@link InferenceExecutor#whenIdle}),
 * so it never delays the transcription of a segment that has closed, and one that has not started when
 * its segment closes or speech comes back is cancelled.
 */
final class EarlyDecode {

    private static final int WAITING = 0;
    private static final int TAKEN = 1;
    private static final int CANCELLED = 2;

    private final long startSample;
    private final int length;
    private final java.util.concurrent.atomic.AtomicInteger state = new java.util.concurrent.atomic.AtomicInteger(WAITING);

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

    /** A worker is about to run it: true unless it was cancelled first. */
    boolean take() {
        return state.compareAndSet(WAITING, TAKEN);
    }

    /** True when it had not started and now never will; false when a worker has it (its result will come). */
    boolean cancel() {
        return state.compareAndSet(WAITING, CANCELLED);
    }

    /** Whether a worker has it (its result will come, if it has not yet). */
    boolean taken() {
        return state.get() == TAKEN;
    }

    /** Taken, but the executor was shutting down and could not run it: answered as failed. */
    void refused(RuntimeException reason) {
        finish(null, reason);
    }

    /** Runs on an inference worker, after {@link #take()}. */
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
        finish(t, e);
    }

    private void finish(Transcript t, RuntimeException e) {
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
