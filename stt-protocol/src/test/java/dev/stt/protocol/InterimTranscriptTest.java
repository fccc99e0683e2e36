package dev.stt.protocol;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InterimTranscriptTest {

    /** Feeds decodes, then a final one; returns deltas + final delta, and checks they concatenate to completed. */
    private static String run(List<String> interim, String finalDecode, StringBuilder deltas) {
        InterimTranscript t = new InterimTranscript();
        for (String d : interim) {
            deltas.append(t.onInterimDecode(d));
        }
        String completed = t.complete(finalDecode);
        deltas.append(t.finalDelta(completed));
        assertEquals(completed, deltas.toString(), "deltas must concatenate to completed");
        return completed;
    }

    @Test
    void onlyWordsTwoDecodesAgreeOnAreSent() {
        InterimTranscript t = new InterimTranscript();
        assertEquals("", t.onInterimDecode("And so my"));
        // the second decode goes on after "my": the first one's last word was a whole word
        assertEquals("And so my ", t.onInterimDecode("And so my fell"));
        // "fell" was cut by the end of the audio: held back until a decode agrees on the word
        assertEquals("", t.onInterimDecode("And so my fellow Amer"));
        assertEquals("fellow ", t.onInterimDecode("And so my fellow Americans, ask"));
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
    void aLaterInterimDecodeThatDisagreesSendsNothingNew() {
        InterimTranscript t = new InterimTranscript();
        t.onInterimDecode("the cat sat");
        assertEquals("the cat sat ", t.onInterimDecode("the cat sat on"));
        assertEquals("", t.onInterimDecode("a cat sat on the"));
        assertEquals("", t.onInterimDecode("a cat sat on the mat"));
        assertEquals("the cat sat ", t.sent());
    }

    @Test
    void aNewerDecodeThatStopsShortAgreesOnlyOnWholeWords() {
        InterimTranscript t = new InterimTranscript();
        t.onInterimDecode("ask not what your");
        assertEquals("ask not ", t.onInterimDecode("ask not"));
        assertEquals("", t.onInterimDecode("ask no"));
        assertEquals("ask not ", t.sent());
    }

    @Test
    void theFullStopOfAnAudioCutMidSentenceDoesNotHoldItsWordBack() {
        InterimTranscript t = new InterimTranscript();
        t.onInterimDecode("He hoped.");
        assertEquals("He hoped ", t.onInterimDecode("He hoped there would be stew for."));
        // case and punctuation around a word change as sentences are re-cut: the newer decode's form is sent
        assertEquals("there would be stew for ", t.onInterimDecode("He hoped there would be stew for dinner, turnips."));
        InterimTranscript u = new InterimTranscript();
        u.onInterimDecode("And so my fellow Americans. Ask.");
        assertEquals("And so my fellow Americans ask ", u.onInterimDecode("And so my fellow Americans ask not what"));
    }

    @Test
    void anEmptyDecodeDoesNotTakeTheWordsBack() {
        InterimTranscript t = new InterimTranscript();
        t.onInterimDecode("He could weigh.");
        assertEquals("", t.onInterimDecode(""));
        assertEquals("He could ", t.onInterimDecode("He could wait no"));
    }

    @Test
    void emptyFinalDecodeAfterDeltasKeepsWhatWasSent() {
        assertEquals("hello there ", run(List.of("hello there", "hello there you"), "", new StringBuilder()));
        assertEquals("", run(List.of(), "", new StringBuilder()));
    }
}
