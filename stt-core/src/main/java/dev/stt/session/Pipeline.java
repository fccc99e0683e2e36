package dev.stt.session;

import dev.stt.engine.SttEngine;
import dev.stt.segment.SpeechSegmenterFactory;
import java.util.concurrent.Executor;

/**
 * What every session of a server shares: the VAD model, the engine, the pool that runs each session's
 * audio work (resampling, VAD) off the network threads, the bounded inference workers, and optionally a
 * {@link SegmentBatcher} that joins segments of different sessions into one engine call.
 */
public record Pipeline(SpeechSegmenterFactory vad, SttEngine engine, Executor audioPool, InferenceExecutor inference,
                       SegmentBatcher batcher) {

    /** Without cross-session batching: each segment is its own engine call. */
    public Pipeline(SpeechSegmenterFactory vad, SttEngine engine, Executor audioPool, InferenceExecutor inference) {
        this(vad, engine, audioPool, inference, null);
    }

    public TranscriptionSession open(SessionConfig config, SessionListener listener) {
        return new TranscriptionSession(this, config, listener);
    }
}
