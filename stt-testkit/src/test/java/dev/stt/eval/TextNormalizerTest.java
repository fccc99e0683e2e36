package dev.stt.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextNormalizerTest {

    @Test
    void lowercasesAndDropsPunctuation() {
        assertEquals("and so my fellow americans ask not", TextNormalizer.normalize("And so, my fellow Americans; ask not!"));
    }

    @Test
    void hyphensSplitWords() {
        assertEquals(List.of("cold", "hearted", "ill", "disposed"), TextNormalizer.words("cold-hearted ill-disposed"));
    }

    @Test
    void keepsApostrophesInsideWordsOnly() {
        assertEquals(List.of("don't", "say", "quoted", "words"), TextNormalizer.words("Don\u2019t say 'quoted' words"));
    }

    @Test
    void spellsDigitsAsWords() {
        assertEquals("in nineteen sixty one he had forty two cats", TextNormalizer.normalize("In 1961 he had 42 cats"));
        assertEquals("ten thousand people", TextNormalizer.normalize("10,000 people"));
        assertEquals("one hundred and five", TextNormalizer.normalize("100 and 5"));
        assertEquals("two thousand", TextNormalizer.normalize("2000"));
        assertEquals("nineteen oh five", TextNormalizer.normalize("1905"));
        assertEquals("three million two hundred thousand", TextNormalizer.normalize("3200000"));
    }

    @Test
    void spellsCommonAbbreviations() {
        assertEquals("mister john dashwood", TextNormalizer.normalize("Mr. John Dashwood"));
    }

    @Test
    void emptyAndPunctuationOnlyTextHaveNoWords() {
        assertEquals(List.of(), TextNormalizer.words(""));
        assertEquals(List.of(), TextNormalizer.words(" ... !? "));
    }
}
