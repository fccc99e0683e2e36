package dev.stt.whisper;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stt.engine.EngineConfig;
import dev.stt.engine.SttEngine;
import dev.stt.engine.SttEngineProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs {@code whisper-*} models from the model store, or a local folder holding a Hugging Face Whisper
 * export (a {@code config.json} of model type whisper, the tokenizer files, and the encoder and merged
 * decoder, in {@code onnx/} or beside the JSON files).
 */
public final class WhisperEngineProvider implements SttEngineProvider {

    @Override
    public String name() {
        return "whisper";
    }

    @Override
    public boolean supports(String model) {
        if (model.startsWith("whisper-")) {
            return true;
        }
        Path dir = Path.of(model);
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
    public SttEngine open(EngineConfig config) throws IOException {
        // a folder is used as it is; a name is fetched into (or found in) the model store
        Path dir = config.store().resolve(config.model());
        return WhisperEngine.open(config.model(), dir, config, WhisperGuards.DEFAULTS);
    }
}
