package dev.stt.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AudioHistoryTest {

    @Test
    void samplesAreAddressedByStreamPositionAndOldOnesForgotten() {
        AudioHistory h = new AudioHistory();
        float[] x = new float[40_000];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        h.append(x, 0, 30_000);
        h.append(x, 30_000, 10_000);
        assertEquals(40_000, h.end());
        h.dropBefore(25_000);
        assertEquals(25_000, h.start());
        assertArrayEquals(new float[] {25_000, 25_001}, h.slice(25_000, 25_002));
        // clamped to what is held
        assertArrayEquals(new float[] {25_000}, h.slice(0, 25_001));
        assertEquals(0, h.slice(41_000, 42_000).length);
        // appending after a drop compacts instead of growing without bound
        for (int k = 0; k < 100; k++) {
            h.append(new float[16_000]);
            h.dropBefore(h.end() - 20_000);
        }
        assertEquals(20_000, h.end() - h.start());
    }
}
