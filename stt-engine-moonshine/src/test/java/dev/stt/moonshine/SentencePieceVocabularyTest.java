package dev.stt.moonshine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stt.model.ModelStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real vocabulary shipped with the model (npm llama-tokenizer-js 1.2.2). */
class SentencePieceVocabularyTest {

    private static SentencePieceVocabulary vocabulary;

    @BeforeAll
    static void load() throws IOException {
        Path dir = ModelStore.fromEnvironment().ensure("moonshine-tiny");
        vocabulary = SentencePieceVocabulary.fromLlamaTokenizerJs(dir.resolve("llama-tokenizer.js"));
    }

    private static int id(String piece) {
        for (int i = 0; i < vocabulary.size(); i++) {
            if (vocabulary.piece(i).equals(piece)) {
                return i;
            }
        }
        throw new AssertionError("no piece " + piece);
    }

    @Test
    void holdsTheLlamaPieces() {
        assertEquals(32_000, vocabulary.size());
        assertEquals("<unk>", vocabulary.piece(0));
        assertEquals("<s>", vocabulary.piece(1));
        assertEquals("</s>", vocabulary.piece(2));
        assertEquals("<0x00>", vocabulary.piece(3));
    }

    @Test
    void wordMarkersBecomeSpacesAndTheLeadingOneIsDropped() {
        assertEquals("Hello, world", vocabulary.decode(new long[] {id("\u2581Hello"), id(","), id("\u2581world")}));
    }

    @Test
    void byteFallbackPiecesJoinIntoUtf8Characters() {
        // "é" is UTF-8 C3 A9; byte pieces sit at id 3 + byte value
        long c3 = 3 + 0xC3;
        long a9 = 3 + 0xA9;
        assertEquals("<0xC3>", vocabulary.piece((int) c3));
        assertEquals("caf\u00e9", vocabulary.decode(new long[] {id("\u2581ca"), id("f"), c3, a9}));
    }

    @Test
    void controlAndSpecialIdsPrintNothing() {
        assertEquals("Hello", vocabulary.decode(new long[] {1, id("\u2581Hello"), 2, 0, 32_000, 32_767}));
    }

    /** Token ids from llama-tokenizer-js 1.2.2 itself ({@code encode(text, false, true)} under node). */
    @Test
    void encodesAsTheReferenceTokenizerDoes() {
        assertTrue(vocabulary.canEncode());
        assertArrayEquals(new long[] {1126, 577, 29892, 590, 10404, 23035, 29892, 2244, 451, 825, 596, 4234, 508, 437, 363, 366},
                vocabulary.encode("And so, my fellow Americans, ask not what your country can do for you"));
        assertArrayEquals(new long[] {940, 471, 451, 385, 4486, 29899, 1028, 2662, 4123, 767, 29889},
                vocabulary.encode("He was not an ill-sposed young man."));
        // accents from merges, an emoji from byte pieces
        assertArrayEquals(new long[] {3237, 29889, 2259, 360, 1161, 6115, 29892, 1652, 473, 29899, 29888, 271, 274, 28059, 1055, 30085,
                345, 29871, 243, 162, 155, 131}, vocabulary.encode("Mr. John Dashwood, flour-fat caf\u00e9 na\u00efve \ud83d\ude00"));
        assertEquals(0, vocabulary.encode("").length);
    }

    @Test
    void encodedTextDecodesBackToItself() {
        for (String text : new String[] {"Stuff it into you, his belly counseled him.", "1,500 feet -- 20%!", "\u00bfQu\u00e9 tal?"}) {
            assertEquals(text, vocabulary.decode(vocabulary.encode(text)));
        }
    }

    @Test
    void aFileWithoutMergesDecodesButRefusesToEncode(@TempDir Path tmp) throws IOException {
        String pieces = java.util.Base64.getEncoder().encodeToString(String.join("\n", java.util.Collections.nCopies(32_000, "x"))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Path js = Files.writeString(tmp.resolve("llama-tokenizer.js"), "const llama_vocab_base64 = \"" + pieces + "\";");
        SentencePieceVocabulary noMerges = SentencePieceVocabulary.fromLlamaTokenizerJs(js);
        assertTrue(!noMerges.canEncode());
        assertThrows(IllegalStateException.class, () -> noMerges.encode("hello"));
    }

    @Test
    void aFileWithoutTheVocabularyIsRejectedClearly(@TempDir Path tmp) throws IOException {
        Path js = Files.writeString(tmp.resolve("llama-tokenizer.js"), "export default {};");
        IOException e = assertThrows(IOException.class, () -> SentencePieceVocabulary.fromLlamaTokenizerJs(js));
        assertTrue(e.getMessage().contains("llama_vocab_base64"), e.getMessage());
    }
}
