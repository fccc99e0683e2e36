package dev.stt.moonshine;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DegenerateDecodeTest {

    // SentencePiece ids of Moonshine's vocabulary: "▁Hello" 15043, "▁world" 3186, "," 29892, "0" 29900, "1" 29896, "▁" 29871
    private static final long HELLO = 15043;
    private static final long WORLD = 3186;
    private static final long COMMA = 29892;
    private static final long ZERO = 29900;
    private static final long ONE = 29896;
    private static final long SPACE = 29871;

    @Test
    void ordinarySpeechPasses() {
        assertNull(DegenerateDecode.reason(new long[] {HELLO, COMMA, WORLD}, true));
        assertNull(DegenerateDecode.reason(new long[0], true));
    }

    @Test
    void aPhraseLoopingAtTheEndIsWithheld() {
        long[] loop = {WORLD, HELLO, WORLD, COMMA, HELLO, WORLD, COMMA, HELLO, WORLD, COMMA, HELLO, WORLD, COMMA};
        String reason = DegenerateDecode.reason(loop, true);
        assertNotNull(reason);
        assertTrue(reason.contains("3-token phrase repeated 4 times"), reason);
    }

    @Test
    void threeRepeatsAreStillSpeech() {
        assertNull(DegenerateDecode.reason(new long[] {HELLO, WORLD, HELLO, WORLD, HELLO, WORLD}, true));
    }

    @Test
    void digitRunsOfALargeNumberAreNotALoop() {
        // "1,000,000" and "10000000" spell zeros token by token
        assertNull(DegenerateDecode.reason(new long[] {SPACE, ONE, COMMA, ZERO, ZERO, ZERO, COMMA, ZERO, ZERO, ZERO}, true));
        assertNull(DegenerateDecode.reason(new long[] {SPACE, ONE, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO}, true));
    }

    @Test
    void aLongSingleTokenRunIsALoop() {
        long[] run = new long[12];
        java.util.Arrays.fill(run, HELLO);
        assertNotNull(DegenerateDecode.reason(run, true));
    }

    @Test
    void runningIntoTheTokenCapIsWithheld() {
        String reason = DegenerateDecode.reason(new long[] {HELLO, WORLD, COMMA}, false);
        assertNotNull(reason);
        assertTrue(reason.contains("token limit"), reason);
    }
}
