package dev.stt.segment;

/**
 * One utterance as the segmenter cut it, padding included.
 *
 * @param samples     the audio, mono, at {@code sampleRate}
 * @param sampleRate  the rate the segmenter ran at
 * @param startSample position of the first sample on the stream's time line
 */
public record SpeechSegment(float[] samples, int sampleRate, long startSample) {

    public long endSample() {
        return startSample + samples.length;
    }

    public double startSeconds() {
        return (double) startSample / sampleRate;
    }

    public double endSeconds() {
        return (double) endSample() / sampleRate;
    }

    public long startMs() {
        return startSample * 1000 / sampleRate;
    }

    public long endMs() {
        return endSample() * 1000 / sampleRate;
    }
}
