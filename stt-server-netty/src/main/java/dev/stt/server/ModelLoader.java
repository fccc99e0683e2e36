package dev.stt.server;

import dev.stt.engine.SttEngine;
import dev.stt.segment.SpeechSegmenterFactory;

/** Loads what the server needs; the server calls it once, on a background thread. */
@FunctionalInterface
public interface ModelLoader {

    Models load() throws Exception;

    /** The VAD and the engine, owned by the server once loaded. */
    record Models(SpeechSegmenterFactory vad, SttEngine engine) implements AutoCloseable {
        @Override
        public void close() {
            try (SpeechSegmenterFactory v = vad; SttEngine e = engine) {
                // both closed, the engine first
            }
        }
    }
}
