package dev.stt.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void medianOfOddAndEvenCountsIgnoresOrder() {
        assertEquals(3, Stats.median(new double[] {5, 1, 3}));
        assertEquals(2.5, Stats.median(new double[] {4, 1, 3, 2}));
        assertThrows(IllegalArgumentException.class, () -> Stats.median(new double[0]));
    }

    @Test
    void percentileIsNearestRank() {
        double[] hundred = new double[100];
        for (int i = 0; i < 100; i++) {
            hundred[99 - i] = i + 1; // 1..100, reversed
        }
        assertEquals(50, Stats.percentile(hundred, 50));
        assertEquals(95, Stats.percentile(hundred, 95));
        assertEquals(99, Stats.percentile(hundred, 99));
        assertEquals(100, Stats.percentile(hundred, 100));
        double[] twenty = new double[20];
        for (int i = 0; i < 20; i++) {
            twenty[i] = 10 * (i + 1);
        }
        assertEquals(190, Stats.percentile(twenty, 95), "p95 of 20 samples is the 19th smallest");
        assertEquals(7, Stats.percentile(new double[] {7}, 99));
        assertTrue(Double.isNaN(Stats.percentile(new double[0], 95)));
        assertThrows(IllegalArgumentException.class, () -> Stats.percentile(hundred, 0));
    }

    @Test
    void benchArgsRejectUnknownNamesAndBadNumbers() {
        BenchArgs a = new BenchArgs(new String[] {"--threads", "4"}, java.util.Set.of("threads", "rounds"), "usage");
        assertEquals(4, a.positiveInt("threads", 2));
        assertEquals(3, a.positiveInt("rounds", 3));
        assertThrows(IllegalArgumentException.class, () -> new BenchArgs(new String[] {"--thread", "4"}, java.util.Set.of("threads"), "u"));
        assertThrows(IllegalArgumentException.class,
                () -> new BenchArgs(new String[] {"--threads", "0"}, java.util.Set.of("threads"), "u").positiveInt("threads", 2));
    }
}
