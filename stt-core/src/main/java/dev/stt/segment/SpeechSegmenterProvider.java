package dev.stt.segment;

import dev.stt.model.ModelStore;
import java.io.IOException;

/**
 * Loads a VAD found with {@link java.util.ServiceLoader}, so code in stt-core (the embedding API) can cut
 * speech without depending on the module that runs the model (stt-vad registers Silero).
 */
public interface SpeechSegmenterProvider {

    /** Loads the VAD's model from the store (downloading it on first use) and returns the shared factory. */
    SpeechSegmenterFactory open(ModelStore store) throws IOException;
}
