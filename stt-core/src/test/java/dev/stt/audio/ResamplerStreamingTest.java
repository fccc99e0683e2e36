package dev.stt.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Streaming in chunks of any size gives exactly the one-shot result. */
class ResamplerStreamingTest {

    @ParameterizedTest(name = "{0} -> {1} Hz in random chunks equals one call")
    @CsvSource({"44100, 16000", "48000, 16000", "8000, 16000", "16000, 8000", "16000, 24000", "22050, 16000",
        "16000, 48000", "44101, 16000", "16000, 16000", "11025, 16000"})
    void randomChunksGiveExactlyTheOneShotSamples(int inRate, int outRate) {
        Random random = new Random(42);
        float[] signal = new float[inRate * 2 + 123];
        for (int i = 0; i < signal.length; i++) {
            signal[i] = (float) (0.3 * Math.sin(i * 0.01) + 0.2 * random.nextGaussian());
        }
        float[] oneShot = Resampler.resample(signal, inRate, outRate);

        Resampler streaming = new Resampler(inRate, outRate);
        float[] collected = new float[0];
        for (int pos = 0; pos < signal.length; ) {
            // 0-sample chunks, single samples and chunks longer than the filter all occur
            int len = Math.min(signal.length - pos, random.nextInt(5) == 0 ? random.nextInt(3) : random.nextInt(3000));
            collected = concat(collected, streaming.process(signal, pos, len));
            pos += len;
        }
        collected = concat(collected, streaming.flush());

        assertEquals(oneShot.length, collected.length, inRate + " -> " + outRate + " Hz: streamed length");
        assertArrayEquals(oneShot, collected, inRate + " -> " + outRate + " Hz: streamed samples differ from one call");
    }

    @Test
    void flushResetsTheInstanceForTheNextStream() {
        float[] a = Signals.tone(440, 44100, 0.3, 0.5);
        float[] b = Signals.tone(1000, 44100, 0.2, 0.5);
        Resampler r = new Resampler(44100, 16000);
        float[] first = concat(r.process(a), r.flush());
        float[] second = concat(r.process(b), r.flush());
        assertArrayEquals(Resampler.resample(a, 44100, 16000), first);
        assertArrayEquals(Resampler.resample(b, 44100, 16000), second);
    }

    @Test
    void streamingAChunkAtATimeReturnsOutputPromptly() {
        // 20 ms chunks at 48 kHz: after the first, each chunk yields about 20 ms of 16 kHz output
        Resampler r = new Resampler(48000, 16000);
        float[] chunk = Signals.tone(1000, 48000, 0.02, 0.5);
        int total = 0;
        for (int i = 0; i < 50; i++) {
            int n = r.process(chunk, 0, chunk.length).length;
            if (i > 0) {
                assertEquals(320, n, "output samples for 20 ms chunk " + i);
            }
            total += n;
        }
        total += r.flush().length;
        assertEquals(50 * 320, total, "one second at 48 kHz gives one second at 16 kHz");
    }

    @Test
    void sameRateIsACopy() {
        float[] x = {0.1f, -0.2f, 0.3f};
        float[] y = Resampler.resample(x, 16000, 16000);
        assertArrayEquals(x, y);
        y[0] = 1;
        assertEquals(0.1f, x[0], "the result must not alias the input");
    }

    @Test
    void nonPositiveRatesAreRejectedWithTheirName() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Resampler(0, 16000));
        assertEquals("inRate must be in 1..768000 Hz, got 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Resampler(16000, -8000));
        assertEquals("outRate must be in 1..768000 Hz, got -8000", e.getMessage());
    }

    @Test
    void chunkBoundsAreChecked() {
        Resampler r = new Resampler(8000, 16000);
        assertThrows(IndexOutOfBoundsException.class, () -> r.process(new float[10], 5, 6));
    }

    private static float[] concat(float[] a, float[] b) {
        float[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
