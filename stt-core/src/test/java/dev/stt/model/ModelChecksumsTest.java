package dev.stt.model;

import static dev.stt.model.ModelManifestTest.assertMessageContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checking a model folder against its manifest and its recorded checksums, no download involved. */
class ModelChecksumsTest {

    private static final byte[] A = ModelStoreTest.bytes(1, 2_000);
    private static final byte[] B = ModelStoreTest.bytes(2, 300);

    @TempDir
    Path dir;

    /** a.onnx pinned by the manifest, b.txt trusted on first use. */
    private static ModelManifest manifest() throws IOException {
        return ModelManifestTest.manifest("""
                name=m
                engine=x
                source.s.url=http://models.stt.invalid/s
                file.a.onnx.source=s
                file.a.onnx.size=%d
                file.a.onnx.sha256=%s
                file.b.txt.source=s
                """.formatted(A.length, ModelStoreTest.sha256(A)));
    }

    @Test
    void aMissingFolderIsNotDownloaded() throws IOException {
        assertEquals(List.of(ModelStoreMessages.NOT_DOWNLOADED), ModelChecksums.damage(manifest(), dir.resolve("none")));
    }

    @Test
    void eachDamagedFileSaysWhatIsWrongWithIt() throws IOException {
        Files.write(dir.resolve("a.onnx"), new byte[A.length]);
        assertEquals(Map.of("a.onnx", "a.onnx fails its checksum", "b.txt", "b.txt is missing"),
                ModelChecksums.damagedFiles(manifest(), dir));
        Files.write(dir.resolve("a.onnx"), B);
        assertEquals("a.onnx has 300 bytes, expected 2000", ModelChecksums.damagedFiles(manifest(), dir).get("a.onnx"));
    }

    @Test
    void aFolderPutThereByHandIsRecordedOnFirstSightAndCheckedAfterwards() throws IOException {
        Files.write(dir.resolve("a.onnx"), A);
        Files.write(dir.resolve("b.txt"), B);
        assertEquals(List.of(), ModelChecksums.damage(manifest(), dir), "unrecorded b.txt is trusted");
        ModelChecksums.recordFirstSight(manifest(), dir);
        assertEquals(Map.of("a.onnx", ModelStoreTest.sha256(A), "b.txt", ModelStoreTest.sha256(B)), RecordedChecksums.read(dir));
        Files.write(dir.resolve("b.txt"), A);
        assertEquals(List.of("b.txt fails its checksum"), ModelChecksums.damage(manifest(), dir));
    }

    @Test
    void aFetchedFileThatChangedSinceItsFirstDownloadIsRefusedWithTheWayOut() throws IOException {
        ModelManifest m = manifest();
        Path b = Files.write(dir.resolve("b.txt"), B);
        assertEquals(ModelStoreTest.sha256(B), ModelChecksums.verify(m, m.files().get(1), b, null, dir));
        IOException e = assertThrows(IOException.class,
                () -> ModelChecksums.verify(m, m.files().get(1), b, ModelStoreTest.sha256(A), dir));
        assertMessageContains(e, "file b.txt of model 'm'", "its first download had " + ModelStoreTest.sha256(A),
                "Delete " + dir);
    }

    @Test
    void sha256OfAFile() throws IOException {
        assertEquals(ModelStoreTest.sha256(A), ModelStore.sha256(Files.write(dir.resolve("x"), A)));
    }

    @Test
    void messagesSayWhatKindOfNetworkFailureItWas() {
        assertEquals("cannot connect (refused) (no network, or a proxy is needed: https_proxy)",
                ModelStoreMessages.describe(new java.net.ConnectException("refused")));
        assertEquals("IOException", ModelStoreMessages.describe(new IOException()));
        assertEquals("closed: reset", ModelStoreMessages.describe(new IOException("closed", new IOException("reset"))));
    }
}
