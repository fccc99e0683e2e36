package dev.stt.whisper;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the engine needs from an export's {@code config.json} and {@code generation_config.json}: the
 * decoding rules Hugging Face ships with each checkpoint (suppress lists, initial-timestamp limit), so
 * they are never hard-coded per model size.
 *
 * @param melBins                  80, or 128 for large-v3 / turbo
 * @param multilingual             whether the prompt carries language and task tokens
 * @param maxTargetPositions       the decoder's context (448)
 * @param suppressTokens           never generated
 * @param beginSuppressTokens      not generated as the first sampled token (blank, end of text)
 * @param maxInitialTimestampIndex the first timestamp is at most this many 0.02 s steps
 */
public record WhisperModelConfig(int melBins, boolean multilingual, int maxTargetPositions, int[] suppressTokens,
                                 int[] beginSuppressTokens, int maxInitialTimestampIndex) {

    static final int DEFAULT_MAX_TARGET_POSITIONS = 448;
    static final int DEFAULT_MAX_INITIAL_TIMESTAMP_INDEX = 50;
    /** Multilingual vocabularies hold 51865 or more tokens; English-only ones 51864. */
    static final int MULTILINGUAL_VOCABULARY = 51865;

    public WhisperModelConfig {
        if (melBins < 1) {
            throw new IllegalArgumentException("melBins must be >= 1, got " + melBins);
        }
        if (maxTargetPositions < 8) {
            throw new IllegalArgumentException("maxTargetPositions must be >= 8, got " + maxTargetPositions);
        }
        suppressTokens = suppressTokens.clone();
        beginSuppressTokens = beginSuppressTokens.clone();
    }

    /** Reads {@code config.json} (required) and {@code generation_config.json} (optional) in {@code dir}. */
    public static WhisperModelConfig read(Path dir, WhisperTokenizer tokenizer) throws IOException {
        Path configFile = dir.resolve("config.json");
        if (!Files.isRegularFile(configFile)) {
            throw new IOException("no config.json in " + dir + "; a Whisper export has one beside its onnx/ folder");
        }
        JsonNode config = WhisperTokenizer.readJson(configFile);
        String type = config.path("model_type").asText("whisper");
        if (!type.equals("whisper")) {
            throw new IOException(configFile + " describes a '" + type + "' model, not whisper");
        }
        Path genFile = dir.resolve("generation_config.json");
        JsonNode gen = Files.isRegularFile(genFile) ? WhisperTokenizer.readJson(genFile) : config.path("__absent__");
        int vocab = config.path("vocab_size").asInt(0);
        boolean multilingual = gen.has("is_multilingual") ? gen.get("is_multilingual").asBoolean()
                : vocab >= MULTILINGUAL_VOCABULARY;
        int[] begin = ints(gen.path("begin_suppress_tokens"));
        if (begin.length == 0) {
            // openai/whisper's SuppressBlank: the space token(s) and end of text
            int[] blank = tokenizer.encode(" ");
            begin = java.util.Arrays.copyOf(blank, blank.length + 1);
            begin[blank.length] = tokenizer.specialTokens().endOfText();
        }
        return new WhisperModelConfig(config.path("num_mel_bins").asInt(80), multilingual,
                config.path("max_target_positions").asInt(DEFAULT_MAX_TARGET_POSITIONS),
                ints(gen.path("suppress_tokens").isMissingNode() ? config.path("suppress_tokens") : gen.path("suppress_tokens")),
                begin, gen.path("max_initial_timestamp_index").asInt(DEFAULT_MAX_INITIAL_TIMESTAMP_INDEX));
    }

    private static int[] ints(JsonNode array) {
        List<Integer> out = new ArrayList<>();
        if (array.isArray()) {
            for (JsonNode n : array) {
                // openai's -1 means "the non-speech symbols"; Hugging Face configs list them explicitly instead
                if (n.asInt(-1) >= 0) {
                    out.add(n.asInt());
                }
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
