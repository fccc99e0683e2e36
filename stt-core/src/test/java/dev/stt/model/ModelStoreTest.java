package dev.stt.model;

import static dev.stt.model.ModelManifestTest.assertMessageContains;
import static dev.stt.model.ModelManifestTest.manifest;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model store against a real HTTP server on 127.0.0.1 serving good and bad downloads. */
class ModelStoreTest {

    private static final byte[] ENCODER = bytes(1, 70_000);
    private static final byte[] VOCAB = bytes(2, 3_000);
    private static final String ENCODER_PATH = "package/dist/model/encoder.onnx";
    private static final String VOCAB_PATH = "package/vocab.txt";

    @TempDir
    Path cache;
    private ModelServer server;
    private byte[] archive;
    private ModelStore store;

    @BeforeEach
    void start() throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("package/README.md", "a model".getBytes());
        entries.put(ENCODER_PATH, ENCODER);
        entries.put(VOCAB_PATH, VOCAB);
        archive = ModelServer.tgz(entries);
        server = new ModelServer();
        store = new ModelStore(cache).withStallTimeout(Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    // ---- archives ----

    @Test
    void archiveIsDownloadedVerifiedUnpackedAndCached() throws IOException {
        server.serve("/m.tgz", archive);
        ModelManifest m = archiveManifest("tiny", "/m.tgz", archive.length, sha256(archive));

        Path dir = store.ensure(m);

        assertEquals(cache.resolve("tiny"), dir);
        assertArrayEquals(ENCODER, Files.readAllBytes(dir.resolve("encoder.onnx")));
        assertArrayEquals(VOCAB, Files.readAllBytes(dir.resolve("vocab.txt")));
        assertFalse(Files.exists(dir.resolve("README.md")), "only the files the manifest names are kept");
        assertEquals(Map.of("encoder.onnx", sha256(ENCODER), "vocab.txt", sha256(VOCAB)), RecordedChecksums.read(dir));
        assertTrue(store.isCached(m));
        assertNoStagingLeft();

        assertEquals(dir, store.ensure(m));
        assertEquals(1, server.requests("/m.tgz"), "a cached model is served without the network");
    }

    @Test
    void modelFolderIsReadableByOthersNotPrivate() throws IOException {
        server.serve("/m.tgz", archive);
        Path dir = store.ensure(archiveManifest("tiny", "/m.tgz", archive.length, sha256(archive)));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    }

    @Test
    void archiveWithWrongSha256IsRejectedAndNothingIsKept() throws IOException {
        byte[] corrupt = archive.clone();
        corrupt[corrupt.length / 2] ^= 0x55;
        server.serve("/m.tgz", corrupt);
        ModelManifest m = archiveManifest("tiny", "/m.tgz", archive.length, sha256(archive));

        IOException e = assertThrows(IOException.class, () -> store.ensure(m));

        assertMessageContains(e, "model 'tiny'", "corrupt download", server.uri("/m.tgz").toString(),
                cache.resolve("tiny").toString(), "stt models pull tiny");
        assertNoModelAndNoStaging("tiny");
    }

    @Test
    void connectionDroppedMidBodyIsRejectedAndNothingIsKept() throws IOException {
        server.serveCutShort("/m.tgz", archive, archive.length / 3);
        ModelManifest m = archiveManifest("tiny", "/m.tgz", archive.length, sha256(archive));

        IOException e = assertThrows(IOException.class, () -> store.ensure(m));

        assertMessageContains(e, "model 'tiny'", "fetching it failed", "connection dropped after", "nothing was kept");
        assertNoModelAndNoStaging("tiny");
    }

    @Test
    void shortContentIsCaughtByTheManifestSize() throws IOException {
        // The server is consistent with itself (its Content-Length matches what it sends) but serves less.
        server.serve("/m.tgz", java.util.Arrays.copyOf(archive, archive.length - 100));
        ModelManifest m = archiveManifest("tiny", "/m.tgz", archive.length, sha256(archive));

        IOException e = assertThrows(IOException.class, () -> store.ensure(m));

        assertMessageContains(e, "truncated download");
        assertNoModelAndNoStaging("tiny");
    }

    @Test
    void stalledBodyTimesOutWithAClearError() throws IOException {
        server.serveStalling("/m.tgz", archive, 10_000);
        ModelManifest m = archiveManifest("tiny", "/m.tgz", archive.length, sha256(archive));
        ModelStore impatient = store.withStallTimeout(Duration.ofMillis(500));

        IOException e = assertThrows(IOException.class, () -> impatient.ensure(m));

        assertMessageContains(e, "model 'tiny'", "stalled", ModelStore.STALL_TIMEOUT_ENV);
        assertNoModelAndNoStaging("tiny");
    }

    @Test
    void serverThatNeverAnswersTimesOut() throws IOException {
        server.serveNoHeaders("/m.tgz");
        ModelManifest m = archiveManifest("tiny", "/m.tgz", archive.length, sha256(archive));

        IOException e = assertThrows(IOException.class, () -> store.withStallTimeout(Duration.ofMillis(500)).ensure(m));

        assertMessageContains(e, "model 'tiny'", "no response");
        assertNoModelAndNoStaging("tiny");
    }

    @Test
    void missingArchiveNamesTheStatusAndTheUrl() throws IOException {
        ModelManifest m = archiveManifest("tiny", "/gone.tgz", archive.length, sha256(archive));

        IOException e = assertThrows(IOException.class, () -> store.ensure(m));

        assertMessageContains(e, "HTTP 404", server.uri("/gone.tgz").toString(), "stt models pull tiny");
        assertNoModelAndNoStaging("tiny");
    }

    @Test
    void archiveLackingAFileIsRejected() throws IOException {
        byte[] partial = ModelServer.tgz(Map.of(ENCODER_PATH, ENCODER));
        server.serve("/m.tgz", partial);
        ModelManifest m = archiveManifest("tiny", "/m.tgz", partial.length, sha256(partial));

        IOException e = assertThrows(IOException.class, () -> store.ensure(m));

        assertMessageContains(e, "lacks " + VOCAB_PATH);
        assertNoModelAndNoStaging("tiny");
    }

    @Test
    void failedRefetchLeavesTheOldFolderAsItWas() throws IOException {
        server.serve("/m.tgz", archive);
        ModelManifest m = archiveManifest("tiny", "/m.tgz", archive.length, sha256(archive));
        Path dir = store.ensure(m);
        corruptOneByte(dir.resolve("vocab.txt"));
        server.serve("/m.tgz", new byte[0]);

        assertThrows(IOException.class, () -> store.ensure(m));

        assertTrue(Files.isRegularFile(dir.resolve("encoder.onnx")));
        assertNoStagingLeft();
    }

    // ---- the cache ----

    @Test
    void cachedFileThatFailsItsChecksumIsFetchedAgain() throws IOException {
        server.serve("/m.tgz", archive);
        ModelManifest m = archiveManifest("tiny", "/m.tgz", archive.length, sha256(archive));
        Path dir = store.ensure(m);

        corruptOneByte(dir.resolve("encoder.onnx"));
        assertFalse(store.isCached(m));
        store.ensure(m);

        assertEquals(2, server.requests("/m.tgz"));
        assertArrayEquals(ENCODER, Files.readAllBytes(dir.resolve("encoder.onnx")));
        assertNoStagingLeft();
    }

    @Test
    void deletedCachedFileIsFetchedAgain() throws IOException {
        server.serve("/m.tgz", archive);
        ModelManifest m = archiveManifest("tiny", "/m.tgz", archive.length, sha256(archive));
        Path dir = store.ensure(m);

        Files.delete(dir.resolve("vocab.txt"));
        store.ensure(m);

        assertEquals(2, server.requests("/m.tgz"));
        assertArrayEquals(VOCAB, Files.readAllBytes(dir.resolve("vocab.txt")));
    }

    @Test
    void leftoversOfAnInterruptedDownloadAreRemoved() throws IOException {
        server.serve("/m.tgz", archive);
        Path junk = Files.createDirectories(cache.resolve(".tiny.partial-12345"));
        Files.write(junk.resolve(".download-model"), new byte[100]);

        store.ensure(archiveManifest("tiny", "/m.tgz", archive.length, sha256(archive)));

        assertFalse(Files.exists(junk));
    }

    @Test
    void threadsAskingForTheSameModelShareOneDownload() throws Exception {
        server.serve("/m.tgz", archive);
        ModelManifest m = archiveManifest("tiny", "/m.tgz", archive.length, sha256(archive));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Path>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                results.add(pool.submit((Callable<Path>) () -> store.ensure(m)));
            }
            for (Future<Path> f : results) {
                assertEquals(cache.resolve("tiny"), f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, server.requests("/m.tgz"));
    }

    // ---- offline ----

    @Test
    void offlineStoreServesTheCacheAlone() throws IOException {
        server.serve("/m.tgz", archive);
        ModelManifest m = archiveManifest("tiny", "/m.tgz", archive.length, sha256(archive));
        Path dir = store.ensure(m);
        server.close();

        ModelStore offline = ModelStore.fromEnvironment(Map.of(ModelStore.DIR_ENV, cache.toString(),
                ModelStore.OFFLINE_ENV, "1"));

        assertTrue(offline.isOffline());
        assertEquals(dir, offline.ensure(m));
    }

    @Test
    void offlineStoreNamesTheModelTheCacheAndThePullCommandForAMissingModel() throws IOException {
        ModelStore offline = ModelStore.fromEnvironment(Map.of(ModelStore.DIR_ENV, cache.toString(),
                ModelStore.OFFLINE_ENV, "1"));
        ModelManifest m = archiveManifest("tiny", "/m.tgz", archive.length, sha256(archive));

        IOException e = assertThrows(IOException.class, () -> offline.ensure(m));

        assertMessageContains(e, "model 'tiny'", "not in the cache", cache.resolve("tiny").toString(),
                "STT_OFFLINE", "stt models pull tiny");
        assertEquals(0, server.totalRequests());
    }

    @Test
    void unreachableNetworkServesTheCacheAndExplainsAMissingModel() throws IOException {
        server.serve("/m.tgz", archive);
        ModelManifest cached = archiveManifest("tiny", "/m.tgz", archive.length, sha256(archive));
        ModelManifest missing = archiveManifest("other", "/m.tgz", archive.length, sha256(archive));
        Path dir = store.ensure(cached);
        server.close();

        assertEquals(dir, store.ensure(cached));
        IOException e = assertThrows(IOException.class, () -> store.ensure(missing));
        assertMessageContains(e, "model 'other'", "not in the cache", cache.resolve("other").toString(),
                "cannot connect", "stt models pull other");
        assertNoModelAndNoStaging("other");
    }

    // ---- single files and trust on first use ----

    @Test
    void singleFileSourceWithKnownSha256() throws IOException {
        server.serve("/resolve/main/onnx/encoder_model.onnx", ENCODER);
        ModelManifest m = manifest("""
                name=hf-model
                engine=whisper
                source.enc.url=%s
                file.encoder_model.onnx.source=enc
                file.encoder_model.onnx.size=%d
                file.encoder_model.onnx.sha256=%s
                """.formatted(server.uri("/resolve/main/onnx/encoder_model.onnx"), ENCODER.length, sha256(ENCODER)));

        Path dir = store.ensure(m);

        assertArrayEquals(ENCODER, Files.readAllBytes(dir.resolve("encoder_model.onnx")));
        assertNoStagingLeft();
    }

    @Test
    void singleFileWithWrongSha256IsRejected() throws IOException {
        server.serve("/encoder_model.onnx", VOCAB);
        ModelManifest m = manifest("""
                name=hf-model
                engine=whisper
                source.enc.url=%s
                file.encoder_model.onnx.source=enc
                file.encoder_model.onnx.sha256=%s
                """.formatted(server.uri("/encoder_model.onnx"), sha256(ENCODER)));

        IOException e = assertThrows(IOException.class, () -> store.ensure(m));

        assertMessageContains(e, "encoder_model.onnx", "the manifest says " + sha256(ENCODER));
        assertNoModelAndNoStaging("hf-model");
    }

    @Test
    void fileWithoutKnownSha256IsRecordedOnFirstUseAndCheckedAfterwards() throws IOException {
        server.serve("/onnx/encoder_model.onnx", ENCODER).serve("/tokenizer.json", VOCAB);
        ModelManifest m = unpinnedManifest();

        Path dir = store.ensure(m);
        assertEquals(sha256(ENCODER), RecordedChecksums.read(dir).get("onnx/encoder_model.onnx"));
        assertEquals(sha256(VOCAB), RecordedChecksums.read(dir).get("tokenizer.json"));
        assertArrayEquals(ENCODER, Files.readAllBytes(dir.resolve("onnx/encoder_model.onnx")));

        // Same size, one byte changed: only the recorded sha256 can tell.
        corruptOneByte(dir.resolve("tokenizer.json"));
        assertFalse(store.isCached(m));
        store.ensure(m);

        assertEquals(2, server.requests("/tokenizer.json"));
        assertEquals(1, server.requests("/onnx/encoder_model.onnx"), "an intact download is not fetched again");
        assertArrayEquals(VOCAB, Files.readAllBytes(dir.resolve("tokenizer.json")));
        assertArrayEquals(ENCODER, Files.readAllBytes(dir.resolve("onnx/encoder_model.onnx")));
    }

    @Test
    void fileThatChangedUpstreamSinceFirstUseIsRefused() throws IOException {
        server.serve("/onnx/encoder_model.onnx", ENCODER).serve("/tokenizer.json", VOCAB);
        ModelManifest m = unpinnedManifest();
        Path dir = store.ensure(m);

        byte[] changed = VOCAB.clone();
        changed[0] ^= 1;
        server.serve("/tokenizer.json", changed);
        corruptOneByte(dir.resolve("tokenizer.json"));

        IOException e = assertThrows(IOException.class, () -> store.ensure(m));

        assertMessageContains(e, "tokenizer.json", "first download had " + sha256(VOCAB), "Delete " + dir);
        assertNoStagingLeft();
    }

    @Test
    void folderCopiedIntoTheCacheByHandIsTrustedAsFirstSeen() throws IOException {
        ModelManifest m = unpinnedManifest();
        Path dir = Files.createDirectories(cache.resolve("hf-model/onnx"));
        Files.write(dir.resolve("encoder_model.onnx"), ENCODER);
        Files.write(cache.resolve("hf-model/tokenizer.json"), VOCAB);

        assertEquals(cache.resolve("hf-model"), store.offline(true).ensure(m));

        assertEquals(sha256(VOCAB), RecordedChecksums.read(cache.resolve("hf-model")).get("tokenizer.json"));
        assertEquals(0, server.totalRequests());
    }

    // ---- naming a model ----

    @Test
    void resolveTakesAFolderAsItIs() throws IOException {
        Path folder = Files.createDirectories(cache.resolve("elsewhere/my-model"));

        assertEquals(folder.toAbsolutePath(), store.resolve(folder.toString()));
        assertEquals(0, server.totalRequests());
    }

    @Test
    void resolveFetchesANamedModel() throws IOException {
        server.serve("/m.tgz", archive);
        ModelStore named = store.withManifests(List.of(archiveManifest("tiny", "/m.tgz", archive.length, sha256(archive))));

        assertEquals(cache.resolve("tiny"), named.resolve("tiny"));
        assertEquals(1, server.requests("/m.tgz"));
    }

    @Test
    void resolveRejectsAPathThatIsNotAFolder() {
        IOException e = assertThrows(IOException.class, () -> store.resolve(cache.resolve("nope").toString()));
        assertMessageContains(e, "does not exist");
    }

    @Test
    void unknownModelNameListsTheKnownOnes() {
        IOException e = assertThrows(IOException.class, () -> store.ensure("no-such-model"));
        assertMessageContains(e, "unknown model 'no-such-model'", "moonshine-tiny", "silero-vad");
    }

    // ---- helpers ----

    private ModelManifest unpinnedManifest() throws IOException {
        return manifest("""
                name=hf-model
                engine=whisper
                source.enc.url=%s
                source.tok.url=%s
                file.onnx/encoder_model.onnx.source=enc
                file.tokenizer.json.source=tok
                """.formatted(server.uri("/onnx/encoder_model.onnx"), server.uri("/tokenizer.json")));
    }

    private ModelManifest archiveManifest(String name, String path, long size, String sha) throws IOException {
        return manifest("""
                name=%s
                engine=moonshine
                source.model.url=%s
                source.model.size=%d
                source.model.sha256=%s
                file.encoder.onnx.source=model
                file.encoder.onnx.path=%s
                file.encoder.onnx.size=%d
                file.encoder.onnx.sha256=%s
                file.vocab.txt.source=model
                file.vocab.txt.path=%s
                file.vocab.txt.sha256=%s
                """.formatted(name, server.uri(path), size, sha, ENCODER_PATH, ENCODER.length, sha256(ENCODER),
                VOCAB_PATH, sha256(VOCAB)));
    }

    private void assertNoModelAndNoStaging(String name) throws IOException {
        assertFalse(Files.exists(cache.resolve(name)), "no model folder after a failed download");
        assertNoStagingLeft();
    }

    private void assertNoStagingLeft() throws IOException {
        try (Stream<Path> s = Files.list(cache)) {
            List<String> junk = s.map(p -> p.getFileName().toString())
                    .filter(n -> n.contains(".partial-") || n.contains(".old-") || n.contains(".download-")).toList();
            assertEquals(List.of(), junk, "staging left in the cache");
        }
    }

    private static void corruptOneByte(Path p) throws IOException {
        byte[] b = Files.readAllBytes(p);
        b[b.length / 2] ^= 0x01;
        Files.write(p, b);
    }

    static byte[] bytes(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
