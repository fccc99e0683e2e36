package dev.stt.session;

import dev.stt.engine.Transcript;

/** A closed segment and what the engine heard in it (times already on the stream's time line). */
public record SegmentResult(ClosedSegment segment, Transcript transcript) {
}
