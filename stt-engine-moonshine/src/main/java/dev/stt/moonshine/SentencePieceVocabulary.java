package dev.stt.moonshine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
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
    private static final Pattern MERGES = Pattern.compile("llama_merges_binary\\s*=\\s*\"([A-Za-z0-9+/=]+)\"");
    private static final String WORD_MARK = "\u2581";

    private final String[] pieces;
    /** Piece text to id (the last id of a repeated piece, as llama-tokenizer-js keeps it). */
    private final Map<String, Integer> ids = new HashMap<>();
    /** Merge rank by (left id, right id), lower merges first; empty when the file carried no merges. */
    private final Map<Long, Integer> mergeRank;

    SentencePieceVocabulary(String[] pieces) {
        this(pieces, Map.of());
    }

    SentencePieceVocabulary(String[] pieces, Map<Long, Integer> mergeRank) {
        this.pieces = pieces;
        this.mergeRank = mergeRank;
        for (int i = 0; i < pieces.length; i++) {
            ids.put(pieces[i], i);
        }
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
        Matcher merges = MERGES.matcher(js);
        return new SentencePieceVocabulary(pieces, merges.find() ? mergeRanks(Base64.getDecoder().decode(merges.group(1))) : Map.of());
    }

    /** llama-tokenizer-js's merges: little-endian uint16 token ids, two per merge, in priority order. */
    private static Map<Long, Integer> mergeRanks(byte[] b) {
        Map<Long, Integer> rank = new HashMap<>();
        for (int i = 0, n = 0; i + 3 < b.length; i += 4, n++) {
            int left = (b[i] & 0xff) | (b[i + 1] & 0xff) << 8;
            int right = (b[i + 2] & 0xff) | (b[i + 3] & 0xff) << 8;
            rank.putIfAbsent(pair(left, right), n);
        }
        return rank;
    }

    private static long pair(int left, int right) {
        return (long) left << 32 | right;
    }

    /** Whether {@link #encode} can be used (the tokenizer file carried its merges). */
    public boolean canEncode() {
        return !mergeRank.isEmpty();
    }

    /**
     * The token ids of {@code text} as SentencePiece BPE splits it (a leading space, spaces as {@code ▁},
     * characters outside the vocabulary as UTF-8 byte pieces, then the highest-priority adjacent merge
     * first, the leftmost of equals): the inverse of {@link #decode} on the tokens the model writes, so a
     * text already shown to a client can be fed back to the decoder as the start of its transcript.
     */
    public long[] encode(String text) {
        if (!canEncode()) {
            throw new IllegalStateException("this tokenizer file carries no merges: text cannot be encoded");
        }
        if (text.isEmpty()) {
            return new long[0];
        }
        java.util.List<Integer> tokens = new java.util.ArrayList<>();
        (" " + text).replace(" ", WORD_MARK).codePoints().forEach(cp -> {
            Integer id = ids.get(new String(Character.toChars(cp)));
            if (id != null) {
                tokens.add(id);
                return;
            }
            for (byte x : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                tokens.add(ids.getOrDefault(String.format("<0x%02X>", x & 0xff), 0));
            }
        });
        while (tokens.size() > 1) {
            int at = -1;
            int best = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < tokens.size(); i++) {
                Integer r = mergeRank.get(pair(tokens.get(i), tokens.get(i + 1)));
                if (r != null && r < best) {
                    best = r;
                    at = i;
                }
            }
            if (at < 0) {
                break;
            }
            Integer merged = ids.get(pieces[tokens.get(at)] + pieces[tokens.get(at + 1)]);
            if (merged == null) {
                break; // a merge whose result is not a piece: the file is inconsistent, keep what we have
            }
            tokens.set(at, merged);
            tokens.remove(at + 1);
        }
        return tokens.stream().mapToLong(Integer::longValue).toArray();
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
