package dev.stt.segment;

/**
 * What {@link SpeechTurnTracker} decided from the speech probabilities, in samples on the stream's time
 * line. A model wrapper turns them into {@link SegmenterEvent}s by cutting the audio they name.
 */
public sealed interface SpeechDecision {

    /** Speech began; {@code atSample} is the padded start of its segment. */
    record SpeechStarts(long atSample) implements SpeechDecision {
    }

    /** Speech ended at {@code atSample}: enough silence followed, the stream was flushed, or it was split. */
    record SpeechStops(long atSample) implements SpeechDecision {
    }

    /** The segment [{@code fromSample}, {@code toSample}), padding included, is finished. */
    record SegmentCloses(long fromSample, long toSample) implements SpeechDecision {
    }
}
