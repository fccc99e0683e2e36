package dev.stt.model;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manifests: the bundled ones pin their files, and a manifest cannot write outside the cache. */
class ModelManifestTest {

    @TempDir
    Path cache;

    @Test
    void bundledManifestsPinEveryFile() throws IOException {
        List<ModelManifest> all = new ModelStore(cache).available();
        assertTrue(all.stream().anyMatch(m -> m.name().equals("moonshine-tiny")));
        assertTrue(all.stream().anyMatch(m -> m.name().equals("silero-vad")));
        for (ModelManifest m : all) {
            for (ModelManifest.ModelFile f : m.files()) {
                if (m.name().startsWith("whisper-")) {
                    continue; // Hugging Face files: trust on first use
                }
                assertTrue(f.sha256() != null && f.size() > 0, m.name() + "/" + f.name() + " has no sha256 or size");
            }
        }
    }

    @Test
    void manifestNamesThatWouldEscapeTheCacheAreRejected() {
        IOException bad = assertThrows(IOException.class, () -> manifest("""
                name=../evil
                engine=x
                source.a.url=https://example.org/a.onnx
                file.a.onnx.source=a
                """));
        assertMessageContains(bad, "model name '../evil'");
        IOException badFile = assertThrows(IOException.class, () -> manifest("""
                name=ok
                engine=x
                source.a.url=https://example.org/a.onnx
                file.../a.onnx.source=a
                """));
        assertMessageContains(badFile, "file name '../a.onnx'");
        IOException badSha = assertThrows(IOException.class, () -> manifest("""
                name=ok
                engine=x
                source.a.url=https://example.org/a.onnx
                file.a.onnx.source=a
                file.a.onnx.sha256=abc
                """));
        assertMessageContains(badSha, "file.a.onnx.sha256 must be 64 hex digits");
    }

    static ModelManifest manifest(String text) throws IOException {
        return ModelManifest.read(new StringReader(text), "test manifest");
    }

    static void assertMessageContains(Throwable e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(p),
                    "message lacks '" + p + "': " + e.getMessage());
        }
    }
}
