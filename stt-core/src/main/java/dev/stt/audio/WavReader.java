package dev.stt.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads RIFF/WAVE files. (Minimal PCM16 version; the full reader is the audio front end's job.) */
public final class WavReader {

    private WavReader() {
    }

    public static AudioClip read(Path path) throws IOException {
        return read(Files.readAllBytes(path));
    }

    public static AudioClip read(byte[] bytes) throws AudioFormatException {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 12 || b.getInt(0) != 0x46464952 || b.getInt(8) != 0x45564157) {
            throw new AudioFormatException("not a RIFF/WAVE file");
        }
        int pos = 12, channels = 0, rate = 0, bits = 0;
        while (pos + 8 <= bytes.length) {
            int id = b.getInt(pos), size = b.getInt(pos + 4);
            if (id == 0x20746d66) { // "fmt "
                channels = b.getShort(pos + 10);
                rate = b.getInt(pos + 12);
                bits = b.getShort(pos + 22);
            } else if (id == 0x61746164) { // "data"
                if (bits != 16) {
                    throw new AudioFormatException("only 16-bit PCM is read so far, got " + bits + " bits");
                }
                int len = Math.min(size, bytes.length - pos - 8) & ~1;
                float[] all = Pcm16.decode(bytes, pos + 8, len);
                float[] mono = new float[all.length / channels];
                for (int i = 0; i < mono.length; i++) {
                    float s = 0;
                    for (int c = 0; c < channels; c++) {
                        s += all[i * channels + c];
                    }
                    mono[i] = s / channels;
                }
                return new AudioClip(mono, rate);
            }
            pos += 8 + size + (size & 1);
        }
        throw new AudioFormatException("no data chunk");
    }
}
