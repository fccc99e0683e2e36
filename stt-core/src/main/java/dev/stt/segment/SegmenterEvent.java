package dev.stt.segment;

/** What a {@link SpeechSegmenter} reports as audio flows through it, in stream order. */
public sealed interface SegmenterEvent {

    /** Speech began; {@code audioStartMs} already includes the prefix padding. */
    record SpeechStarted(long audioStartMs) implements SegmenterEvent {
    }

    /** Enough silence followed the speech that ended at {@code audioEndMs}. */
    record SpeechStopped(long audioEndMs) implements SegmenterEvent {
    }

    /** A finished utterance, ready to transcribe. Always follows its {@link SpeechStopped}. */
    record SegmentClosed(SpeechSegment segment) implements SegmenterEvent {
    }
}
