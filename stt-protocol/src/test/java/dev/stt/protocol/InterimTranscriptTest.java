package dev.stt.protocol;

import dev.stt.session.SettledText;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InterimTranscriptTest {

    /** Feeds decodes, then a final one; returns deltas + final delta, and checks they concatenate to completed. */
    private static String run(List<String> interim, String finalDecode, StringBuilder deltas) {
        SettledText agreement = new SettledText();
        InterimTranscript t = new InterimTranscript();
        for (String d : interim) {
            agreement.onDecode(d);
            deltas.append(t.onSettled(agreement.settled()));
        }
        String completed = t.complete(finalDecode);
        deltas.append(t.finalDelta(completed));
        assertEquals(completed, deltas.toString(), "deltas must concatenate to completed");
        return completed;
    }

    @Test
    void eachDeltaIsWhatTheSettledTextGrewBy() {
        InterimTranscript t = new InterimTranscript();
        assertEquals("", t.onSettled(""));
        assertEquals("And so my ", t.onSettled("And so my "));
        assertEquals("", t.onSettled("And so my "));
        assertEquals("fellow ", t.onSettled("And so my fellow "));
        assertEquals("", t.onSettled("And so, my fellow Americans "), "text that does not continue what was sent is not sent");
        assertEquals("And so my fellow ", t.sent());
    }

    @Test
    void agreeingFinalDecodeIsTheCompletedTextAsIs() {
        String completed = run(List.of("And so my", "And so my fellow", "And so my fellow Americans, ask"),
                "And so my fellow Americans, ask not what your country can do for you.", new StringBuilder());
        assertEquals("And so my fellow Americans, ask not what your country can do for you.", completed);
    }

    @Test
    void aFinalDecodeThatDisagreesWithSentTextStillStartsWithIt() {
        StringBuilder deltas = new StringBuilder();
        String completed = run(List.of("And so my fellow", "And so my fellow citizens"), "And so, my fellow Americans.", deltas);
        assertTrue(completed.startsWith("And so my "), completed);
        assertEquals("And so my fellow Americans.", completed);
    }

    @Test
    void emptyFinalDecodeAfterDeltasKeepsWhatWasSent() {
        assertEquals("hello there ", run(List.of("hello there", "hello there you"), "", new StringBuilder()));
        assertEquals("", run(List.of(), "", new StringBuilder()));
    }
}
