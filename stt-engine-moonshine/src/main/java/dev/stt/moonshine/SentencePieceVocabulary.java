package dev.stt.moonshine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Moonshine's SentencePiece (Llama) vocabulary, read from {@code llama-tokenizer.js} of npm
 * {@code llama-tokenizer-js}, which carries the 32,000 pieces as one base64 string of newline-separated
 * UTF-8 pieces, the line number being the token id.
 */
public final class SentencePieceVocabulary {

    /** Ids at or above this are Moonshine's own special tokens and never printed. */
    public static final int SPECIAL_START = 32_000;
    private static final Pattern VOCAB = Pattern.compile("llama_vocab_base64\\s*=\\s*\"([A-Za-z0-9+/=]+)\"");
    private static final String WORD_MARK = "\u2581";

    private final String[] pieces;

    SentencePieceVocabulary(String[] pieces) {
        this.pieces = pieces;
    }

    public static SentencePieceVocabulary fromLlamaTokenizerJs(Path file) throws IOException {
        String js = Files.readString(file, StandardCharsets.UTF_8);
        Matcher m = VOCAB.matcher(js);
        if (!m.find()) {
            throw new IOException(file + " holds no llama_vocab_base64 string: not llama-tokenizer-js 1.x");
        }
        String all = new String(Base64.getDecoder().decode(m.group(1)), StandardCharsets.UTF_8);
        String[] pieces = all.split("\n", -1);
        if (pieces.length < SPECIAL_START) {
            throw new IOException(file + " holds " + pieces.length + " pieces, expected " + SPECIAL_START);
        }
        return new SentencePieceVocabulary(pieces);
    }

    public int size() {
        return pieces.length;
    }

    public String piece(int id) {
        return pieces[id];
    }

    /**
     * Joins pieces into text: {@code ▁} is a space, {@code <0xNN>} pieces are raw bytes that together
     * form UTF-8 characters, and control or special ids are skipped.
     */
    public String decode(long[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (long id : ids) {
            if (id < 3 || id >= pieces.length || id >= SPECIAL_START) {
                continue; // <unk>, <s>, </s> and Moonshine's specials carry no text
            }
            String p = pieces[(int) id];
            if (p.length() == 6 && p.startsWith("<0x") && p.endsWith(">")) {
                bytes.write(Integer.parseInt(p.substring(3, 5), 16));
            } else {
                bytes.writeBytes(p.replace(WORD_MARK, " ").getBytes(StandardCharsets.UTF_8));
            }
        }
        return bytes.toString(StandardCharsets.UTF_8).strip();
    }
}
