package dev.stt.audio;

import java.io.IOException;

/** Audio that cannot be decoded: the message names what is wrong with it. */
public class AudioFormatException extends IOException {
    public AudioFormatException(String message) {
        super(message);
    }
}
