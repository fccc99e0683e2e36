package dev.stt.whisper;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.TreeMap;

/**
 * Writes a Hugging Face style tokenizer (vocab.json, merges.txt, added_tokens.json, tokenizer.json) from
 * an openai/whisper tiktoken rank file, the way Hugging Face's own converter does: each multi-byte
 * token's merge is the pair that BPE over its bytes, using only lower ranks, ends with. Lets the tests
 * check the Hugging Face loading path against the tiktoken one without any downloaded export.
 */
final class HfTokenizerFiles {

    private HfTokenizerFiles() {
    }

    static void write(Path tiktoken, WhisperTokenizer reference, Path dir) throws IOException {
        Map<String, Integer> ranks = new HashMap<>();
        TreeMap<Integer, String> byRank = new TreeMap<>();
        for (String line : Files.readAllLines(tiktoken, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            String[] p = line.split(" ");
            String tok = WhisperTokenizer.toPrintable(p[0].equals("=") ? new byte[0] : Base64.getDecoder().decode(p[0]));
            ranks.put(tok, Integer.parseInt(p[1]));
            byRank.put(Integer.parseInt(p[1]), tok);
        }
        List<String[]> merges = new ArrayList<>();
        for (Map.Entry<Integer, String> e : byRank.entrySet()) {
            String tok = e.getValue();
            if (tok.length() < 2) {
                continue;
            }
            List<String> parts = new ArrayList<>();
            for (char c : tok.toCharArray()) {
                parts.add(String.valueOf(c));
            }
            while (parts.size() > 2) {
                int best = Integer.MAX_VALUE;
                int at = -1;
                for (int i = 0; i + 1 < parts.size(); i++) {
                    int r = ranks.getOrDefault(parts.get(i) + parts.get(i + 1), Integer.MAX_VALUE);
                    if (r < e.getKey() && r < best) {
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
            if (parts.size() == 2) {
                merges.add(new String[] {parts.get(0), parts.get(1)});
            }
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode vocab = json.createObjectNode();
        byRank.forEach((rank, tok) -> vocab.put(tok, rank));
        Files.writeString(dir.resolve("vocab.json"), json.writeValueAsString(vocab));
        StringBuilder mergesTxt = new StringBuilder("#version: 0.2\n");
        for (String[] m : merges) {
            mergesTxt.append(m[0]).append(' ').append(m[1]).append('\n');
        }
        Files.writeString(dir.resolve("merges.txt"), mergesTxt);

        Map<String, Integer> specials = new LinkedHashMap<>();
        int first = byRank.lastKey() + 1;
        for (int id = first; ; id++) {
            String name = reference.specialName(id);
            if (name == null) {
                break;
            }
            specials.put(name, id);
        }
        ObjectNode added = json.createObjectNode();
        specials.forEach(added::put);
        Files.writeString(dir.resolve("added_tokens.json"), json.writeValueAsString(added));

        ObjectNode root = json.createObjectNode();
        ArrayNode addedList = root.putArray("added_tokens");
        specials.forEach((name, id) -> addedList.addObject().put("id", id).put("content", name).put("special", true));
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.set("vocab", vocab);
        ArrayNode mergeList = model.putArray("merges");
        for (String[] m : merges) {
            mergeList.addArray().add(m[0]).add(m[1]);
        }
        Files.writeString(dir.resolve("tokenizer.json"), json.writeValueAsString(root));
    }
}
