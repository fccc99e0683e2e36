package dev.stt.audio;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Opens any audio file or upload as an {@link AudioSource}: through an {@link AudioDecoder} on the class path
 * (stt-audio-ffmpeg reads every format FFmpeg knows), else with {@link WavReader}.
 *
 * <p>With a decoder installed, WAV still goes to {@link WavReader} when it reads the file (PCM, float, G.711)
 * and the file is at most {@link #WAV_IN_MEMORY_MAX_BYTES}: it reads the file whole, 25-35 % faster than FFmpeg
 * on 10 minutes of audio and 7 times faster on an 11 s clip (0.5 ms against 3.6 ms of FFmpeg's probing, in
 * stt-bench's DecodeSpeed), with no native libraries to load at all (the first FFmpeg open takes 1.1-1.5 s), and its
 * samples are the ones the WAV tests pin. A larger WAV goes to the decoder, which streams it in bounded memory
 * (WavReader would hold the bytes and the floats: 345 MB for an hour at 16 kHz), and so does a WAV codec
 * WavReader refuses (ADPCM, GSM, MP3 in WAV, RF64, ...).
 */
public final class AudioFiles {

    /** The largest WAV file read whole by {@link WavReader} when a streaming decoder is there instead. */
    public static final long WAV_IN_MEMORY_MAX_BYTES = 64L << 20;

    private static final List<AudioDecoder> DECODERS = ServiceLoader.load(AudioDecoder.class).stream()
            .map(ServiceLoader.Provider::get).toList();

    private AudioFiles() {
    }

    public static AudioSource open(Path file) throws IOException {
        return open(file, WAV_IN_MEMORY_MAX_BYTES);
    }

    static AudioSource open(Path file, long wavInMemoryMaxBytes) throws IOException {
        if (DECODERS.isEmpty()) {
            return AudioSource.of(WavReader.read(file));
        }
        AudioDecoder decoder = DECODERS.get(0);
        if (isWav(head(file)) && Files.size(file) <= wavInMemoryMaxBytes) {
            try {
                return AudioSource.of(WavReader.read(file));
            } catch (AudioFormatException wavSays) {
                return openOrSay(() -> decoder.open(file), wavSays);
            }
        }
        return decoder.open(file);
    }

    public static AudioSource open(byte[] data, String nameHint) throws IOException {
        if (DECODERS.isEmpty()) {
            return AudioSource.of(WavReader.read(data));
        }
        AudioDecoder decoder = DECODERS.get(0);
        if (isWav(data)) { // already in memory: WavReader costs no more than the decoder would
            try {
                return AudioSource.of(WavReader.read(data));
            } catch (AudioFormatException wavSays) {
                return openOrSay(() -> decoder.open(data, nameHint), wavSays);
            }
        }
        return decoder.open(data, nameHint);
    }

    /** What reads files here, for error messages: {@code ffmpeg}, or {@code wav} with no decoder installed. */
    public static String decoderName() {
        return DECODERS.isEmpty() ? "wav" : DECODERS.get(0).name();
    }

    private interface Opener {
        AudioSource open() throws IOException;
    }

    /** The decoder's answer for a WAV WavReader refused; if it refuses too, its message, with WavReader's beside. */
    private static AudioSource openOrSay(Opener decoder, AudioFormatException wavSays) throws IOException {
        try {
            return decoder.open();
        } catch (AudioFormatException e) {
            e.addSuppressed(wavSays);
            throw e;
        }
    }

    /** {@code RIFF....WAVE}: a RIFF WAVE file, whatever its codec. */
    static boolean isWav(byte[] head) {
        return head.length >= 12 && head[0] == 'R' && head[1] == 'I' && head[2] == 'F' && head[3] == 'F'
            && head[8] == 'W' && head[9] == 'A' && head[10] == 'V' && head[11] == 'E';
    }

    private static byte[] head(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(12);
        }
    }
}
