package dev.stt.segment;

import java.util.List;

/**
 * Cuts one audio stream into utterances. Fed chunks of any size; feeding a signal in pieces gives
 * exactly the events of feeding it whole. Not thread-safe: one per stream.
 */
public interface SpeechSegmenter extends AutoCloseable {

    /** The rate {@link #accept} expects and segments come out at. */
    int sampleRate();

    /** Takes the next samples of the stream and returns what they completed, in order. */
    List<SegmenterEvent> accept(float[] samples, int offset, int length);

    default List<SegmenterEvent> accept(float[] samples) {
        return accept(samples, 0, samples.length);
    }

    /**
     * Ends the open utterance now (end of file, or a client's commit): returns its
     * {@link SegmenterEvent.SpeechStopped} and {@link SegmenterEvent.SegmentClosed}, or nothing when no
     * speech is open. The stream can go on afterwards.
     */
    List<SegmenterEvent> flush();

    /**
     * The segment that will close if the current silence lasts out the silence window, as soon as its
     * trailing audio is all here; otherwise null. It is exactly what the {@link SegmenterEvent.SegmentClosed}
     * would then carry, so a caller may start transcribing it early and keep the result when that segment
     * closes (same start, same length), or drop it when speech comes back. Repeated calls during one
     * pause return the same instance.
     */
    default SpeechSegment closingSegment() {
        return null;
    }

    /** Samples taken so far: the stream's time line. */
    long position();

    /** Drops the open utterance and any buffered audio (a client's clear); the position stays. */
    void clear();

    /** Releases per-stream native state. */
    @Override
    void close();
}
