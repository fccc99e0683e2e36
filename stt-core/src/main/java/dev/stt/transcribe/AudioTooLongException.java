package dev.stt.transcribe;

import dev.stt.audio.AudioFormatException;

/** A recording longer than {@link TranscriptionPolicy#maxAudioSeconds()}: the caller's input, not a server fault. */
public final class AudioTooLongException extends AudioFormatException {

    public AudioTooLongException(double seconds, double limitSeconds, boolean declared) {
        super(String.format(java.util.Locale.ROOT, "the audio %s %.1f s, more than the %.0f s allowed",
                declared ? "declares" : "runs past", seconds, limitSeconds));
    }
}
