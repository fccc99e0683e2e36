package dev.stt.engine;

/** A stretch of text with its times in seconds from the start of the transcribed audio. */
public record TimedText(String text, double start, double end) {
}
