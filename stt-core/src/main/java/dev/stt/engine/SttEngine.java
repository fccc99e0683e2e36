package dev.stt.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * A speech-to-text model, loaded and ready: it turns one speech segment (mono, 16 kHz, samples in
 * [-1, 1]) into text. Implementations are thread-safe: many sessions share one engine.
 *
 * <pre>{@code
 * try (SttEngine engine = SttEngines.open("moonshine-tiny")) {
 *     Transcript t = engine.transcribe(WavReader.read(path).toMono16k());
 * }
 * }</pre>
 */
public interface SttEngine extends AutoCloseable {

    /** The sample rate every engine takes. Callers resample before, never the engine. */
    int SAMPLE_RATE = 16_000;

    /** The model this engine runs, e.g. {@code moonshine-tiny}. */
    String model();

    Transcript transcribe(float[] samples, TranscribeOptions options);

    /**
     * The ISO-639-1 codes this model transcribes; a request for another language is refused rather than
     * answered in the wrong one. Empty means the engine does not say (any code is passed through).
     */
    default java.util.Set<String> languages() {
        return java.util.Set.of();
    }

    /** Whether {@link TranscribeOptions#translate()} gives English from other languages (multilingual Whisper). */
    default boolean translates() {
        return false;
    }

    /**
     * Whether {@link TranscribeOptions#provisionalTokens()} is honoured: a provisional decode stops at its budget
     * and keeps the words more audio might change apart ({@link Transcript#unsureTail()}), so a caller may
     * settle its text. Engines that ignore it return a whole decode, whose last words the end of the audio may
     * have cut.
     */
    default boolean decodesProvisionally() {
        return false;
    }

    default Transcript transcribe(float[] samples) {
        return transcribe(samples, TranscribeOptions.DEFAULTS);
    }

    /**
     * Transcribes several segments; engines that can run them in one batch override this. Results
     * come back in the order of {@code segments}.
     */
    default List<Transcript> transcribeBatch(List<float[]> segments, TranscribeOptions options) {
        List<Transcript> out = new ArrayList<>(segments.size());
        for (float[] s : segments) {
            out.add(transcribe(s, options));
        }
        return out;
    }

    /** Releases the native sessions. The engine must not be used afterwards. */
    @Override
    void close();
}
