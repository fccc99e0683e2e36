package dev.stt.whisper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whisper's byte-level BPE (GPT-2 style): text → UTF-8 bytes → GPT-2 pre-tokenizer pieces → merges by
 * rank; ids → bytes → UTF-8. Loads a Hugging Face export ({@code tokenizer.json}, or {@code vocab.json} +
 * {@code merges.txt} + {@code added_tokens.json}) or openai/whisper's tiktoken rank files. Tokens are kept
 * in GPT-2's printable byte alphabet ("Ġ" for a space byte) so both sources share one algorithm.
 * Immutable and thread-safe.
 */
public final class WhisperTokenizer {

    /** GPT-2's pre-tokenizer: contractions, letters, digits, other symbols, whitespace runs. */
    private static final Pattern PIECES = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final Map<Character, Integer> CHAR_TO_BYTE = new HashMap<>();

    static {
        // GPT-2's bytes_to_unicode: printable bytes map to themselves, the rest to code points from 256 up.
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            BYTE_TO_CHAR[b] = printable ? (char) b : (char) (256 + extra++);
            CHAR_TO_BYTE.put(BYTE_TO_CHAR[b], b);
        }
    }

    /** How adjacent pieces rank for merging; lower merges first. */
    private interface MergeRanks {
        int rank(String left, String right);
    }

    private final Map<String, Integer> tokenToId;
    private final Map<Integer, String> idToToken;
    private final Map<String, Integer> specials;
    private final Map<Integer, String> specialById;
    private final MergeRanks ranks;
    private final WhisperSpecialTokens specialTokens;

    private WhisperTokenizer(Map<String, Integer> tokenToId, Map<String, Integer> specials, MergeRanks ranks,
                             Integer timestampBeginHint) throws IOException {
        this.tokenToId = Map.copyOf(tokenToId);
        Map<Integer, String> inv = new HashMap<>();
        tokenToId.forEach((t, id) -> inv.put(id, t));
        this.idToToken = Map.copyOf(inv);
        this.specials = Map.copyOf(specials);
        Map<Integer, String> sinv = new HashMap<>();
        specials.forEach((t, id) -> sinv.put(id, t));
        this.specialById = Map.copyOf(sinv);
        this.ranks = ranks;
        this.specialTokens = deriveSpecialTokens(timestampBeginHint);
    }

    // ---- loading -------------------------------------------------------------------------------------

    /** Loads from a model folder: {@code tokenizer.json}, else {@code vocab.json} + {@code merges.txt}. */
    public static WhisperTokenizer fromModelDir(Path dir) throws IOException {
        if (Files.isRegularFile(dir.resolve("tokenizer.json"))) {
            return fromTokenizerJson(dir.resolve("tokenizer.json"), dir.resolve("added_tokens.json"));
        }
        if (Files.isRegularFile(dir.resolve("vocab.json")) && Files.isRegularFile(dir.resolve("merges.txt"))) {
            return fromVocabAndMerges(dir.resolve("vocab.json"), dir.resolve("merges.txt"), dir.resolve("added_tokens.json"));
        }
        throw new IOException("no Whisper tokenizer in " + dir + ": expected tokenizer.json, or vocab.json and merges.txt");
    }

    /** A Hugging Face {@code tokenizer.json}; {@code addedTokens} ({@code added_tokens.json}) may be absent. */
    public static WhisperTokenizer fromTokenizerJson(Path tokenizerJson, Path addedTokens) throws IOException {
        JsonNode root = readJson(tokenizerJson);
        JsonNode model = root.path("model");
        if (!model.path("type").asText("BPE").equals("BPE") || !model.has("vocab") || !model.has("merges")) {
            throw new IOException(tokenizerJson + ": not a BPE tokenizer (model.vocab and model.merges expected)");
        }
        Map<String, Integer> vocab = new HashMap<>();
        model.get("vocab").fields().forEachRemaining(e -> vocab.put(e.getKey(), e.getValue().asInt()));
        List<String[]> merges = new ArrayList<>();
        for (JsonNode m : model.get("merges")) {
            // older files write "a b", newer ones ["a", "b"]
            merges.add(m.isArray() ? new String[] {m.get(0).asText(), m.get(1).asText()} : splitMerge(m.asText(), tokenizerJson));
        }
        Map<String, Integer> specials = new LinkedHashMap<>();
        for (JsonNode t : root.path("added_tokens")) {
            specials.put(t.path("content").asText(), t.path("id").asInt());
        }
        readAddedTokens(addedTokens, specials);
        return fromParts(vocab, merges, specials, tokenizerJson.toString());
    }

    public static WhisperTokenizer fromVocabAndMerges(Path vocabJson, Path mergesTxt, Path addedTokens) throws IOException {
        Map<String, Integer> vocab = new HashMap<>();
        readJson(vocabJson).fields().forEachRemaining(e -> vocab.put(e.getKey(), e.getValue().asInt()));
        List<String[]> merges = new ArrayList<>();
        for (String line : Files.readAllLines(mergesTxt, StandardCharsets.UTF_8)) {
            if (!line.isBlank() && !line.startsWith("#version")) {
                merges.add(splitMerge(line, mergesTxt));
            }
        }
        Map<String, Integer> specials = new LinkedHashMap<>();
        readAddedTokens(addedTokens, specials);
        return fromParts(vocab, merges, specials, vocabJson.toString());
    }

    /**
     * openai/whisper's tiktoken file (base64 token, space, rank per line; rank = token id), with the
     * special tokens appended after the ranks exactly as its {@code tokenizer.py} does.
     *
     * @param languageCount 99 for the original multilingual models, 100 for large-v3 and turbo
     */
    public static WhisperTokenizer fromTiktoken(Path ranksFile, int languageCount) throws IOException {
        if (languageCount < 1 || languageCount > WhisperLanguages.CODES.size()) {
            throw new IllegalArgumentException("languageCount must be in 1.." + WhisperLanguages.CODES.size());
        }
        Map<String, Integer> vocab = new HashMap<>();
        int next = 0;
        Base64.Decoder b64 = Base64.getDecoder();
        for (String line : Files.readAllLines(ranksFile, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.strip().split(" ");
            if (parts.length != 2) {
                throw new IOException(ranksFile + ": expected 'base64 rank', got '" + line + "'");
            }
            int rank;
            try {
                rank = Integer.parseInt(parts[1]);
                // Python's lenient b64decode reads the lone "=" in multilingual.tiktoken as an empty token
                byte[] bytes = parts[0].equals("=") ? new byte[0] : b64.decode(parts[0]);
                vocab.put(toPrintable(bytes), rank);
            } catch (IllegalArgumentException e) {
                throw new IOException(ranksFile + ": bad line '" + line + "': " + e.getMessage(), e);
            }
            next = Math.max(next, rank + 1);
        }
        Map<String, Integer> specials = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(List.of("<|endoftext|>", "<|startoftranscript|>"));
        for (String code : WhisperLanguages.CODES.subList(0, languageCount)) {
            names.add("<|" + code + "|>");
        }
        names.addAll(List.of("<|translate|>", "<|transcribe|>", "<|startoflm|>", "<|startofprev|>", "<|nospeech|>", "<|notimestamps|>"));
        for (int i = 0; i < WhisperSpecialTokens.TIMESTAMP_COUNT; i++) {
            names.add(String.format(java.util.Locale.ROOT, "<|%.2f|>", i * WhisperSpecialTokens.SECONDS_PER_TIMESTAMP));
        }
        for (String n : names) {
            specials.put(n, next++);
        }
        return new WhisperTokenizer(vocab, specials, (l, r) -> vocab.getOrDefault(l + r, Integer.MAX_VALUE), null);
    }

    private static WhisperTokenizer fromParts(Map<String, Integer> vocab, List<String[]> merges, Map<String, Integer> specials,
                                              String origin) throws IOException {
        Map<String, Integer> mergeRank = new HashMap<>(merges.size() * 2);
        for (int i = 0; i < merges.size(); i++) {
            mergeRank.putIfAbsent(merges.get(i)[0] + " " + merges.get(i)[1], i);
        }
        // Special tokens may also sit in the vocabulary (<|endoftext|> does); they are handled as specials.
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            if (e.getKey().startsWith("<|") && e.getKey().endsWith("|>")) {
                specials.putIfAbsent(e.getKey(), e.getValue());
            }
        }
        if (vocab.isEmpty()) {
            throw new IOException(origin + ": empty vocabulary");
        }
        return new WhisperTokenizer(vocab, specials, (l, r) -> mergeRank.getOrDefault(l + " " + r, Integer.MAX_VALUE), null);
    }

    private static String[] splitMerge(String line, Path origin) throws IOException {
        int space = line.indexOf(' ');
        if (space <= 0 || space == line.length() - 1) {
            throw new IOException(origin + ": bad merge '" + line + "'");
        }
        return new String[] {line.substring(0, space), line.substring(space + 1)};
    }

    private static void readAddedTokens(Path addedTokens, Map<String, Integer> into) throws IOException {
        if (addedTokens != null && Files.isRegularFile(addedTokens)) {
            readJson(addedTokens).fields().forEachRemaining(e -> into.putIfAbsent(e.getKey(), e.getValue().asInt()));
        }
    }

    static JsonNode readJson(Path p) throws IOException {
        try {
            return new ObjectMapper().readTree(p.toFile());
        } catch (IOException e) {
            throw new IOException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    private WhisperSpecialTokens deriveSpecialTokens(Integer timestampBeginHint) throws IOException {
        Map<String, Integer> languages = new LinkedHashMap<>();
        for (String code : WhisperLanguages.CODES) {
            Integer id = specials.get("<|" + code + "|>");
            if (id != null) {
                languages.put(code, id);
            }
        }
        int noTimestamps = special("<|notimestamps|>");
        Integer zero = specials.get("<|0.00|>");
        int timestampBegin = zero != null ? zero : timestampBeginHint != null ? timestampBeginHint : noTimestamps + 1;
        return new WhisperSpecialTokens(special("<|endoftext|>"), special("<|startoftranscript|>"), special("<|translate|>"),
                special("<|transcribe|>"), special("<|startoflm|>"), special("<|startofprev|>"), nospeech(), noTimestamps,
                timestampBegin, languages);
    }

    private int nospeech() throws IOException {
        // renamed from <|nocaptions|> in later releases; exports use either
        Integer id = specials.get("<|nospeech|>");
        return id != null ? id : special("<|nocaptions|>");
    }

    private int special(String content) throws IOException {
        Integer id = specials.get(content);
        if (id == null) {
            throw new IOException("the tokenizer has no " + content + " token; is this a Whisper tokenizer?");
        }
        return id;
    }

    // ---- use -----------------------------------------------------------------------------------------

    public WhisperSpecialTokens specialTokens() {
        return specialTokens;
    }

    /** The id of a special token such as {@code <|en|>}, or -1. */
    public int specialId(String content) {
        return specials.getOrDefault(content, -1);
    }

    /** Whether the id is a control token (never part of the text). */
    public boolean isSpecial(long id) {
        return specialById.containsKey((int) id) || !idToToken.containsKey((int) id);
    }

    /** Ordinary text to token ids; special-token spellings in the text are encoded as plain text. */
    public int[] encode(String text) {
        List<Integer> out = new ArrayList<>();
        Matcher m = PIECES.matcher(text);
        while (m.find()) {
            String piece = toPrintable(m.group().getBytes(StandardCharsets.UTF_8));
            for (String token : bpe(piece)) {
                Integer id = tokenToId.get(token);
                if (id == null) {
                    throw new IllegalStateException("token '" + token + "' is not in the vocabulary");
                }
                out.add(id);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Token ids to text, leaving out control and timestamp tokens; broken UTF-8 becomes U+FFFD. */
    public String decode(long[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (long id : ids) {
            byte[] b = bytesOf(id);
            if (b != null) {
                bytes.writeBytes(b);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The raw bytes of an ordinary token, or null for a control token or an unknown id. */
    public byte[] bytesOf(long id) {
        if (specialById.containsKey((int) id)) {
            return null;
        }
        String token = idToToken.get((int) id);
        if (token == null) {
            return null;
        }
        byte[] out = new byte[token.length()];
        for (int i = 0; i < token.length(); i++) {
            Integer b = CHAR_TO_BYTE.get(token.charAt(i));
            if (b == null) {
                return token.getBytes(StandardCharsets.UTF_8);
            }
            out[i] = (byte) (int) b;
        }
        return out;
    }

    /** The written form of a special token ({@code <|en|>}), or null. */
    public String specialName(long id) {
        return specialById.get((int) id);
    }

    private List<String> bpe(String piece) {
        List<String> parts = new ArrayList<>(piece.length());
        for (int i = 0; i < piece.length(); i++) {
            parts.add(String.valueOf(piece.charAt(i)));
        }
        if (tokenToId.containsKey(piece)) {
            return List.of(piece);
        }
        while (parts.size() > 1) {
            int best = Integer.MAX_VALUE;
            int at = -1;
            for (int i = 0; i + 1 < parts.size(); i++) {
                int r = ranks.rank(parts.get(i), parts.get(i + 1));
                if (r < best) {
                    best = r;
                    at = i;
                }
            }
            if (at < 0) {
                break;
            }
            parts.set(at, parts.get(at) + parts.get(at + 1));
            parts.remove(at + 1);
        }
        return parts;
    }

    static String toPrintable(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            sb.append(BYTE_TO_CHAR[b & 0xFF]);
        }
        return sb.toString();
    }
}
