package dev.stt.server.openai;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class RecentAudioTest {

    private static float[] ramp(int from, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = from + i;
        }
        return x;
    }

    @Test
    void keepsTheLastCapacitySamplesOnTheStreamTimeLine() {
        RecentAudio a = new RecentAudio(10);
        a.append(ramp(0, 6));
        a.append(ramp(6, 6));
        assertEquals(12, a.end());
        assertArrayEquals(ramp(8, 4), a.since(8));
        assertArrayEquals(ramp(2, 10), a.since(2));
    }

    @Test
    void audioNoLongerHeldOrNotYetArrivedIsEmpty() {
        RecentAudio a = new RecentAudio(4);
        a.append(ramp(0, 10));
        assertEquals(0, a.since(5).length, "dropped");
        assertEquals(0, a.since(10).length, "not yet arrived");
        assertArrayEquals(ramp(6, 4), a.since(6));
    }
}
