package dev.stt.audio;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Opens any audio file or upload as an {@link AudioSource}: through an {@link AudioDecoder} on the class path
 * (stt-audio-ffmpeg reads every format FFmpeg knows), else with {@link WavReader}.
 */
public final class AudioFiles {

    private static final List<AudioDecoder> DECODERS = ServiceLoader.load(AudioDecoder.class).stream()
            .map(ServiceLoader.Provider::get).toList();

    private AudioFiles() {
    }

    public static AudioSource open(Path file) throws IOException {
        if (DECODERS.isEmpty()) {
            return AudioSource.of(WavReader.read(file));
        }
        return DECODERS.get(0).open(file);
    }

    public static AudioSource open(byte[] data, String nameHint) throws IOException {
        if (DECODERS.isEmpty()) {
            return AudioSource.of(WavReader.read(data));
        }
        return DECODERS.get(0).open(data, nameHint);
    }

    /** What reads files here, for error messages: {@code ffmpeg}, or {@code wav} with no decoder installed. */
    public static String decoderName() {
        return DECODERS.isEmpty() ? "wav" : DECODERS.get(0).name();
    }
}
