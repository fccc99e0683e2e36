package dev.stt.vad;

import dev.stt.model.ModelStore;
import dev.stt.segment.SpeechSegmenterFactory;
import dev.stt.segment.SpeechSegmenterProvider;
import java.io.IOException;

/** Registers Silero VAD as the segmenter the embedding API ({@code SpeechStream}) finds on the class path. */
public final class SileroVadProvider implements SpeechSegmenterProvider {

    @Override
    public SpeechSegmenterFactory open(ModelStore store) throws IOException {
        return SileroVad.open(store);
    }
}
