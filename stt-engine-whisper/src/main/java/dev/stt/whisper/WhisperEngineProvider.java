package dev.stt.whisper;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stt.engine.EngineConfig;
import dev.stt.engine.ModelFamilyProvider;
import dev.stt.engine.SttEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs {@code whisper-*} models from the model store, or a local folder holding a Hugging Face Whisper
 * export (a {@code config.json} of model type whisper, the tokenizer files, and the encoder and merged
 * decoder, in {@code onnx/} or beside the JSON files).
 */
public final class WhisperEngineProvider extends ModelFamilyProvider {

    public WhisperEngineProvider() {
        super("whisper");
    }

    @Override
    protected boolean isExport(Path dir) {
        if (!Files.isRegularFile(dir.resolve("config.json")) || !WhisperModelFiles.present(dir)) {
            return false;
        }
        try {
            JsonNode config = WhisperTokenizer.readJson(dir.resolve("config.json"));
            return config.path("model_type").asText("").equals("whisper");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    protected SttEngine open(String model, Path dir, EngineConfig config) throws IOException {
        return WhisperEngine.open(model, dir, config, WhisperGuards.DEFAULTS);
    }
}
