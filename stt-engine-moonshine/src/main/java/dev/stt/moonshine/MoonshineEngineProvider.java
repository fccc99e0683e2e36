package dev.stt.moonshine;

import dev.stt.engine.EngineConfig;
import dev.stt.engine.SttEngine;
import dev.stt.engine.SttEngineProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Runs {@code moonshine-*} models, or a local folder holding a Moonshine export. */
public final class MoonshineEngineProvider implements SttEngineProvider {

    @Override
    public String name() {
        return "moonshine";
    }

    @Override
    public boolean supports(String model) {
        if (model.startsWith("moonshine-")) {
            return true;
        }
        Path dir = Path.of(model);
        return Files.isRegularFile(dir.resolve("encoder_model.onnx")) && Files.isRegularFile(dir.resolve("llama-tokenizer.js"));
    }

    @Override
    public SttEngine open(EngineConfig config) throws IOException {
        Path dir = Files.isDirectory(Path.of(config.model())) ? Path.of(config.model()) : config.store().ensure(config.model());
        return MoonshineEngine.open(config.model(), dir, config);
    }
}
