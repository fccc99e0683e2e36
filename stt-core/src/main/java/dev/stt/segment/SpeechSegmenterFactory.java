package dev.stt.segment;

/** Makes one {@link SpeechSegmenter} per stream; the model behind them is shared. */
public interface SpeechSegmenterFactory extends AutoCloseable {

    /** @param sampleRate 16000 or 8000 */
    SpeechSegmenter open(int sampleRate, VadOptions options);

    @Override
    void close();
}
