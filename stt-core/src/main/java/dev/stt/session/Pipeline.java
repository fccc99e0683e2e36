package dev.stt.session;

import dev.stt.engine.SttEngine;
import dev.stt.segment.SpeechSegmenterFactory;
import java.util.concurrent.Executor;

/**
 * What every session of a server shares: the VAD model, the engine, the pool that runs each session's
 * audio work (resampling, VAD) off the network threads, and the bounded inference workers.
 */
public record Pipeline(SpeechSegmenterFactory vad, SttEngine engine, Executor audioPool, InferenceExecutor inference) {

    public TranscriptionSession open(SessionConfig config, SessionListener listener) {
        return new TranscriptionSession(this, config, listener);
    }
}
