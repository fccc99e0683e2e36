package dev.stt.session;

/**
 * An utterance the segmenter closed, numbered in its session from 1.
 *
 * @param samples mono 16 kHz audio, padding included
 */
public record ClosedSegment(long id, long startMs, long endMs, float[] samples) {
}
