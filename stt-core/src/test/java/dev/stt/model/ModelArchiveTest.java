package dev.stt.model;

import static dev.stt.model.ModelManifestTest.assertMessageContains;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unpacking a tar.gz source: only the wanted files, under the manifest's names. */
class ModelArchiveTest {

    @TempDir
    Path dir;

    private ModelManifest manifest() throws IOException {
        return ModelManifestTest.manifest("""
                name=packed
                engine=x
                source.m.url=http://models.stt.invalid/m.tar.gz
                file.encoder.onnx.source=m
                file.encoder.onnx.path=pkg/deep/encoder.onnx
                file.sub/vocab.txt.source=m
                file.sub/vocab.txt.path=pkg/vocab.txt
                """);
    }

    private Path archive(Map<String, byte[]> entries) throws IOException {
        Path p = dir.resolve("m.tar.gz");
        Files.write(p, ModelServer.tgz(entries));
        return p;
    }

    @Test
    void takesOutTheWantedFilesUnderTheirManifestNames() throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("pkg/README.md", "not wanted".getBytes());
        entries.put("pkg/deep/encoder.onnx", ModelStoreTest.bytes(1, 1000));
        entries.put("pkg/vocab.txt", ModelStoreTest.bytes(2, 100));
        Path into = Files.createDirectories(dir.resolve("into"));

        ModelArchive.unpack(archive(entries), manifest().files(), into);

        assertArrayEquals(ModelStoreTest.bytes(1, 1000), Files.readAllBytes(into.resolve("encoder.onnx")));
        assertArrayEquals(ModelStoreTest.bytes(2, 100), Files.readAllBytes(into.resolve("sub/vocab.txt")));
        try (Stream<Path> s = Files.walk(into)) {
            assertEquals(List.of("encoder.onnx", "vocab.txt"),
                    s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList(), "nothing else");
        }
    }

    @Test
    void anArchiveLackingAFileNamesIt() throws IOException {
        Path a = archive(Map.of("pkg/deep/encoder.onnx", new byte[10]));
        IOException e = assertThrows(IOException.class, () -> ModelArchive.unpack(a, manifest().files(), dir));
        assertMessageContains(e, "the archive lacks pkg/vocab.txt");
    }

    @Test
    void somethingThatIsNotATarGzIsRefused() throws IOException {
        Path a = Files.write(dir.resolve("m.tar.gz"), "<html>a login page</html>".getBytes());
        IOException e = assertThrows(IOException.class, () -> ModelArchive.unpack(a, manifest().files(), dir));
        assertMessageContains(e, "cannot unpack the archive");
    }
}
