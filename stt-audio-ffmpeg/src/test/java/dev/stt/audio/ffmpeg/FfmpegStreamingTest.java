package dev.stt.audio.ffmpeg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stt.audio.AudioSource;
import dev.stt.audio.WavWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decoding holds one frame's worth of samples whatever the length, and sources on many threads do not mix. */
class FfmpegStreamingTest {

    private static final FfmpegDecoder DECODER = new FfmpegDecoder();

    @TempDir
    Path dir;

    @Test
    void tenMinutesDecodeThroughBuffersOfAFewThousandSamples() throws IOException {
        float[] jfk = Fixtures.reference().samples();
        float[] tenMinutes = new float[jfk.length * 55];
        for (int i = 0; i < 55; i++) {
            System.arraycopy(jfk, 0, tenMinutes, i * jfk.length, jfk.length);
        }
        Path wav = Files.write(dir.resolve("ten-minutes.wav"), WavWriter.toBytes(tenMinutes, 16000));
        tenMinutes = null;
        long total = 0;
        long mostHeld = 0;
        float[] piece = new float[3000];
        try (FfmpegSource s = (FfmpegSource) DECODER.open(wav)) {
            for (int n; (n = s.read(piece)) != -1; ) {
                total += n;
                mostHeld = Math.max(mostHeld, s.heldSamples());
            }
        }
        assertEquals(jfk.length * 55L, total);
        assertTrue(mostHeld <= 16384, "held " + mostHeld + " samples at once");
    }

    @Test
    void sourcesOnEightThreadsDecodeWhatOneThreadDoes() throws Exception {
        String[] names = {"jfk.mp3", "jfk.m4a", "jfk.opus", "jfk.flac"};
        List<float[]> expected = new ArrayList<>();
        for (String name : names) {
            try (AudioSource s = DECODER.open(Fixtures.bytes(name), name)) {
                expected.add(Fixtures.readAll(s));
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 32; t++) {
                int which = t % names.length;
                done.add(pool.submit(() -> {
                    try (AudioSource s = DECODER.open(Fixtures.bytes(names[which]), names[which])) {
                        assertArrayEquals(expected.get(which), Fixtures.readAll(s), names[which]);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, CallbackInput.openCount());
    }
}
