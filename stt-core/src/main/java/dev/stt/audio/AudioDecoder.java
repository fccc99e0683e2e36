package dev.stt.audio;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Opens encoded audio (a container and codec: MP3, AAC in MP4, Opus in Ogg or WebM, FLAC, ...) as an
 * {@link AudioSource}. Found with {@link java.util.ServiceLoader}; {@link AudioFiles} asks each one found and
 * falls back to the pure-Java WAV reader.
 */
public interface AudioDecoder {

    /** A short name for logs and errors, e.g. {@code ffmpeg}. */
    String name();

    /**
     * @throws AudioFormatException when the data is not audio this decoder reads: the message names what
     *                              was found (container, codec, "no audio stream")
     */
    AudioSource open(Path file) throws IOException;

    /** The same from bytes already in memory (an HTTP upload); {@code nameHint} may help guess the format. */
    AudioSource open(byte[] data, String nameHint) throws IOException;
}
