package dev.stt.whisper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stt.engine.SttEngines;
import dev.stt.model.ModelManifest;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class WhisperManifestsTest {

    static final List<String> NAMES = List.of("whisper-tiny.en", "whisper-base.en", "whisper-small.en",
            "whisper-tiny", "whisper-base", "whisper-small", "whisper-large-v3-turbo");

    @Test
    void everyWhisperManifestNamesTheFilesTheEngineLoads() throws IOException {
        // read from the repository's models/ (what stt-core packs into its jar), not from a possibly stale jar
        Path models = Path.of("..", "models");
        List<String> listed = Files.readAllLines(models.resolve("index.txt")).stream().map(String::strip).toList();
        for (String name : NAMES) {
            assertTrue(listed.contains(name), name + " is not in models/index.txt");
            ModelManifest m;
            try (Reader r = Files.newBufferedReader(models.resolve(name + ".properties"))) {
                m = ModelManifest.read(r, name + ".properties");
            }
            assertEquals(name, m.name());
            assertEquals("whisper", m.engine());
            assertTrue(SttEngines.provider(name) instanceof WhisperEngineProvider, name);
            List<String> files = m.files().stream().map(ModelManifest.ModelFile::name).toList();
            for (String f : List.of("encoder_model.onnx", "decoder_model_merged.onnx", "config.json", "generation_config.json", "tokenizer.json")) {
                assertTrue(files.contains(f), name + " lacks " + f);
            }
            for (ModelManifest.ModelFile f : m.files()) {
                ModelManifest.Source src = m.sources().get(f.source());
                assertTrue(!src.isArchive() && src.url().toString().startsWith("https://huggingface.co/onnx-community/" + name + "/resolve/main/"),
                        src.url().toString());
                assertTrue(src.url().getPath().endsWith("/" + f.name()), src.url() + " is not stored as " + f.name());
            }
        }
    }
}
