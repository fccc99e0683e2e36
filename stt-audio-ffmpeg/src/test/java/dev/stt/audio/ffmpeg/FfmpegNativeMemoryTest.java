package dev.stt.audio.ffmpeg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stt.audio.AudioFormatException;
import dev.stt.audio.AudioSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

/**
 * A thousand opens and closes (good files from disk and memory, and refused ones) leave the process's resident
 * memory where it was: every native object has one owner that frees it.
 */
class FfmpegNativeMemoryTest {

    private static final FfmpegDecoder DECODER = new FfmpegDecoder();

    private static void cycle(int i, byte[] opus, byte[] m4a, byte[] noise, Path flac) throws IOException {
        switch (i % 4) {
            case 0 -> {
                try (AudioSource s = DECODER.open(opus, "jfk.opus")) {
                    s.read(new float[48000]);
                }
            }
            case 1 -> {
                try (AudioSource s = DECODER.open(m4a, "jfk.m4a")) {
                    s.read(new float[16000]);
                }
            }
            case 2 -> {
                try (AudioSource s = DECODER.open(flac)) {
                    s.read(new float[16000]);
                }
            }
            default -> {
                try (AudioSource s = DECODER.open(noise, "noise.mp3")) {
                    s.read(new float[16000]);
                } catch (AudioFormatException expected) {
                    // refused at open or on the way: either way nothing may be left behind
                }
            }
        }
    }

    @Test
    void aThousandOpenCloseCyclesDoNotGrowNativeMemory() throws IOException {
        byte[] opus = Fixtures.bytes("jfk.opus");
        byte[] m4a = Fixtures.bytes("jfk.m4a");
        byte[] noise = new byte[32 * 1024];
        new Random(3).nextBytes(noise);
        Path flac = Fixtures.resource("jfk.flac");
        for (int i = 0; i < 200; i++) { // warm up: allocator arenas, JIT, JavaCPP's caches
            cycle(i, opus, m4a, noise, flac);
        }
        System.gc();
        long before = Pointer.physicalBytes();
        for (int i = 0; i < 1000; i++) {
            cycle(i, opus, m4a, noise, flac);
        }
        System.gc();
        long after = Pointer.physicalBytes();
        System.out.printf("RSS before %.1f MB, after 1000 cycles %.1f MB (%+.1f MB)%n",
            before / 1e6, after / 1e6, (after - before) / 1e6);
        assertEquals(0, CallbackInput.openCount());
        // an AVFormatContext alone is ~1 MB with its probe buffers: a leak of anything per cycle would show as
        // hundreds of MB here
        assertTrue(after - before < 40_000_000L, "RSS grew by " + (after - before) + " bytes over 1000 cycles");
    }
}
