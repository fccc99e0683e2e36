package dev.stt.session;

import dev.stt.engine.SttEngine;
import dev.stt.segment.SpeechSegmenterFactory;
import java.util.concurrent.Executor;

/**
 * What every session of a server shares: the VAD model, the engine, the pool that runs each session's
 * audio work (resampling, VAD) off the network threads, the bounded inference workers, and optionally a
 * {@link SegmentBatcher} that joins segments of different sessions into one engine call.
 *
 * @param earlyDecode start transcribing a segment when its speaker pauses, on an idle worker, instead of
 *                    waiting for the whole silence window ({@link EarlyDecode}); ignored with a batcher
 */
public record Pipeline(SpeechSegmenterFactory vad, SttEngine engine, Executor audioPool, InferenceExecutor inference,
                       SegmentBatcher batcher, boolean earlyDecode) {

    /** Without cross-session batching: each segment is its own engine call; early decoding on. */
    public Pipeline(SpeechSegmenterFactory vad, SttEngine engine, Executor audioPool, InferenceExecutor inference) {
        this(vad, engine, audioPool, inference, null, true);
    }

    public Pipeline(SpeechSegmenterFactory vad, SttEngine engine, Executor audioPool, InferenceExecutor inference,
                    SegmentBatcher batcher) {
        this(vad, engine, audioPool, inference, batcher, true);
    }

    public TranscriptionSession open(SessionConfig config, SessionListener listener) {
        return new TranscriptionSession(this, config, listener);
    }
}
