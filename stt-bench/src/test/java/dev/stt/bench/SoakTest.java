package dev.stt.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The CI cut of the soak (30 s): no closed segment goes unanswered, sessions and tensors return to
 * zero, and memory shows no gross growth. The documented long runs (README "Hardening") check ±5 %.
 */
class SoakTest {

    @Test
    void thirtySecondsOfCallersLoseNoSegmentAndLeaveNothingOpen() throws Exception {
        Soak.Report r = new Soak(30, 3, 4, 3).run(false);
        assertTrue(r.sessions() > 3 && r.answered() > 0, "the soak did work: " + r);
        assertEquals(0, r.lost(), "segments never answered: " + r);
        assertEquals(0, r.openSessionsAfter(), "sessions left open");
        assertEquals(r.tensorsBefore(), r.tensorsAfter(), "ONNX tensors left live");
        // JIT and pools still settle in the first seconds; a leak would show as growth well beyond this
        assertTrue(r.rssDrift(10) < 0.25, "RSS drift " + r.rssDrift(10) + " in " + r.samples());
        assertTrue(r.samples().stream().allMatch(s -> s.directBytes() < 64L << 20), "direct memory " + r.samples());
    }
}
