package dev.stt.moonshine;

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

    @Test
    void aFileWithoutTheVocabularyIsRejectedClearly(@TempDir Path tmp) throws IOException {
        Path js = Files.writeString(tmp.resolve("llama-tokenizer.js"), "export default {};");
        IOException e = assertThrows(IOException.class, () -> SentencePieceVocabulary.fromLlamaTokenizerJs(js));
        assertTrue(e.getMessage().contains("llama_vocab_base64"), e.getMessage());
    }
}
