package dev.stt.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What repeated decodes of one growing utterance settle: the text the doors send as deltas. */
class SettledTextTest {

    @Test
    void onlyWordsTwoDecodesAgreeOnAreSent() {
        SettledText t = new SettledText();
        assertEquals("", t.onDecode("And so my"));
        // the second decode goes on after "my": the first one's last word was a whole word
        assertEquals("And so my ", t.onDecode("And so my fell"));
        // "fell" was cut by the end of the audio: held back until a decode agrees on the word
        assertEquals("", t.onDecode("And so my fellow Amer"));
        assertEquals("fellow ", t.onDecode("And so my fellow Americans, ask"));
        assertEquals("And so my fellow ", t.settled());
    }

    @Test
    void aLaterInterimDecodeThatDisagreesSendsNothingNew() {
        SettledText t = new SettledText();
        t.onDecode("the cat sat");
        assertEquals("the cat sat ", t.onDecode("the cat sat on"));
        assertEquals("", t.onDecode("a cat sat on the"));
        assertEquals("", t.onDecode("a cat sat on the mat"));
        assertEquals("the cat sat ", t.settled());
    }

    @Test
    void aNewerDecodeThatStopsShortAgreesOnlyOnWholeWords() {
        SettledText t = new SettledText();
        t.onDecode("ask not what your");
        assertEquals("ask not ", t.onDecode("ask not"));
        assertEquals("", t.onDecode("ask no"));
        assertEquals("ask not ", t.settled());
    }

    @Test
    void theFullStopOfAnAudioCutMidSentenceDoesNotHoldItsWordBack() {
        SettledText t = new SettledText();
        t.onDecode("He hoped.");
        assertEquals("He hoped ", t.onDecode("He hoped there would be stew for."));
        // case and punctuation around a word change as sentences are re-cut: the newer decode's form is sent
        assertEquals("there would be stew for ", t.onDecode("He hoped there would be stew for dinner, turnips."));
        SettledText u = new SettledText();
        u.onDecode("And so my fellow Americans. Ask.");
        assertEquals("And so my fellow Americans ask ", u.onDecode("And so my fellow Americans ask not what"));
    }

    @Test
    void anEmptyDecodeDoesNotTakeTheWordsBack() {
        SettledText t = new SettledText();
        t.onDecode("He could weigh.");
        assertEquals("", t.onDecode(""));
        assertEquals("He could ", t.onDecode("He could wait no"));
    }

    @Test
    void aDecodeAtAPauseSettlesAllItsWordsButTheLastByItself() {
        SettledText t = new SettledText();
        // no interim decode came before it (a busy server): the pause's decode alone
        assertEquals("And so, my fellow ", t.onPauseDecode("And so, my fellow Americans."));
        // speech came back; the next decode continues the settled words and agreement goes on as before
        assertEquals("Americans, ", t.onDecode("And so, my fellow Americans, ask not what."));
        assertEquals("ask not what ", t.onDecode("And so, my fellow Americans, ask not what your country"));
        assertEquals("And so, my fellow Americans, ask not what ", t.settled());
    }

    @Test
    void aDecodeAtAPauseThatDoesNotContinueTheSettledTextAddsOnlyWhatItAgrees() {
        SettledText t = new SettledText();
        t.onDecode("the cat sat");
        assertEquals("the cat sat ", t.onDecode("the cat sat on"));
        assertEquals("", t.onPauseDecode("a cat sat on the mat."), "it contradicts what was settled");
        assertEquals("the cat sat ", t.settled());
        assertEquals("", new SettledText().onPauseDecode("Yes."), "one word: it is the last, and waits");
        assertEquals("", new SettledText().onPauseDecode(""));
    }

    @Test
    void aProvisionalDecodeSettlesTheWordsItWasSureOfByItself() {
        SettledText t = new SettledText();
        // the turn's first decode: sure of three words, not of "Americans" (or the audio cut it)
        assertEquals("And so, my ", t.onProvisionalDecode("And so, my", "And so, my fellow Americans"));
        assertEquals("And so, my fellow Americans", t.previous(), "the whole decode is the next one's draft");
        // the next begins with the settled words; what it is sure of goes on from them
        assertEquals("fellow Americans, ask ", t.onProvisionalDecode("And so, my fellow Americans, ask", "And so, my fellow Americans, ask not"));
        // sure of nothing new: agreement with the decode before still settles what the two share
        assertEquals("not ", t.onProvisionalDecode("And so, my fellow Americans, ask", "And so, my fellow Americans, ask not what"));
        assertEquals("And so, my fellow Americans, ask not ", t.settled());
    }

    @Test
    void aProvisionalDecodeThatContradictsTheSettledTextSettlesNothingOfItsOwn() {
        SettledText t = new SettledText();
        t.onProvisionalDecode("the cat", "the cat sat");
        assertEquals("", t.onProvisionalDecode("a cat sat on", "a cat sat on the"), "it does not begin with 'the cat'");
        assertEquals("the cat ", t.settled());
        assertEquals("", new SettledText().onProvisionalDecode("", "I'm less"), "sure of no word: nothing settles");
    }
}
