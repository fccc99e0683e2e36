package dev.stt.moonshine;

import dev.stt.engine.EngineConfig;
import dev.stt.engine.ModelFamilyProvider;
import dev.stt.engine.SttEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Runs {@code moonshine-*} models, or a local folder holding a Moonshine export. */
public final class MoonshineEngineProvider extends ModelFamilyProvider {

    public MoonshineEngineProvider() {
        super("moonshine");
    }

    @Override
    protected boolean isExport(Path dir) {
        return Files.isRegularFile(dir.resolve("encoder_model.onnx")) && Files.isRegularFile(dir.resolve("llama-tokenizer.js"));
    }

    @Override
    protected SttEngine open(String model, Path dir, EngineConfig config) throws IOException {
        return MoonshineEngine.open(model, dir, config);
    }
}
