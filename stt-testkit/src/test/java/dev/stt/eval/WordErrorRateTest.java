package dev.stt.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class WordErrorRateTest {

    @Test
    void identicalTextAfterNormalisationScoresZero() {
        assertEquals(new WordErrorRate.Score(0, 5), WordErrorRate.score("He could wait no longer.", "he could WAIT no longer"));
    }

    @Test
    void countsSubstitutionsDeletionsAndInsertions() {
        // one substitution (wait -> weight), one deletion (no), one insertion (very)
        WordErrorRate.Score s = WordErrorRate.score("he could wait no longer", "he could weight longer very");
        assertEquals(3, s.errors());
        assertEquals(5, s.referenceWords());
        assertEquals(0.6, s.rate(), 1e-12);
    }

    @Test
    void hyphenatedHypothesisMatchesSplitReference() {
        // "ill-sposed" against "ill disposed": one substitution, not two errors
        assertEquals(new WordErrorRate.Score(1, 7), WordErrorRate.score("he was not an ill disposed young", "He was not an ill-sposed young"));
    }

    @Test
    void digitsMatchSpelledNumbers() {
        assertEquals(0, WordErrorRate.score("in nineteen sixty one", "In 1961").errors());
    }

    @Test
    void emptyHypothesisDeletesEveryWord() {
        assertEquals(new WordErrorRate.Score(4, 4), WordErrorRate.score("ask not what your", ""));
        assertEquals(1.0, WordErrorRate.rate("ask not what your", ""), 1e-12);
    }

    @Test
    void emptyReferenceRatesInsertionsAsFullError() {
        assertEquals(0.0, WordErrorRate.rate("", ""), 1e-12);
        assertEquals(1.0, WordErrorRate.rate("", "hello"), 1e-12);
    }

    @Test
    void scoresSumIntoTheAggregateRate() {
        WordErrorRate.Score total = WordErrorRate.score("a b c d", "a b c x").plus(WordErrorRate.score("e f g h i j", "e f g h i j"));
        assertEquals(new WordErrorRate.Score(1, 10), total);
        assertEquals(0.1, total.rate(), 1e-12);
    }
}
