package dev.stt.engine;

/** One word with its time in seconds from the start of the segment, where the model gives it. */
public record WordTiming(String word, double start, double end, double probability) {
}
