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
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ModelStore#fromEnvironment(Map)}: every setting comes from the map it is given (the server's
 * process environment overlaid by {@code .env}), none from the process behind its back.
 */
class ModelStoreEnvironmentTest {

    @TempDir
    Path cache;

    @Test
    void stallTimeoutComesFromTheEnvironmentAndIsValidated() {
        assertEquals(Duration.ofSeconds(7), ModelStore.fromEnvironment(Map.of(ModelStore.STALL_TIMEOUT_ENV, "7")).stallTimeout());
        assertEquals(ModelStore.DEFAULT_STALL_TIMEOUT, ModelStore.fromEnvironment(Map.of()).stallTimeout());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelStore.fromEnvironment(Map.of(ModelStore.STALL_TIMEOUT_ENV, "soon")));
        assertTrue(e.getMessage().contains(ModelStore.STALL_TIMEOUT_ENV), e.getMessage());
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> ModelStore.fromEnvironment(Map.of(ModelStore.STALL_TIMEOUT_ENV, "0")));
        assertTrue(zero.getMessage().contains("must be positive"), zero.getMessage());
    }

    @Test
    void modelsDirComesFromTheMapOrDefaultsToTheUserCache() {
        assertEquals(cache, ModelStore.fromEnvironment(Map.of(ModelStore.DIR_ENV, cache.toString())).root());
        Path home = Path.of(System.getProperty("user.home"), ".cache", "stt");
        assertEquals(home, ModelStore.fromEnvironment(Map.of()).root());
        assertEquals(home, ModelStore.fromEnvironment(Map.of(ModelStore.DIR_ENV, "  ")).root(), "blank is unset");
    }

    @Test
    void offlineIsOneOrTrue() {
        assertTrue(ModelStore.fromEnvironment(Map.of(ModelStore.OFFLINE_ENV, "1")).isOffline());
        assertTrue(ModelStore.fromEnvironment(Map.of(ModelStore.OFFLINE_ENV, " TRUE ")).isOffline());
        assertFalse(ModelStore.fromEnvironment(Map.of(ModelStore.OFFLINE_ENV, "0")).isOffline());
        assertFalse(ModelStore.fromEnvironment(Map.of()).isOffline());
    }

    @Test
    void anOfflineStoreFromTheMapRefusesToDownload() throws IOException {
        ModelStore store = ModelStore.fromEnvironment(Map.of(ModelStore.DIR_ENV, cache.toString(), ModelStore.OFFLINE_ENV, "1"));
        ModelManifest m = manifest("""
                name=far-away
                engine=x
                source.a.url=http://models.stt.invalid/a.onnx
                file.a.onnx.source=a
                """);
        IOException e = assertThrows(IOException.class, () -> store.ensure(m));
        assertMessageContains(e, "downloads are off (STT_OFFLINE=1)", cache.resolve("far-away").toString());
    }

    @Test
    void theProxyComesFromTheMap() throws IOException {
        byte[] body = ModelStoreTest.bytes(3, 5_000);
        try (ModelServer proxy = new ModelServer()) {
            // an HTTP proxy is asked for the absolute URL; the test server answers by its path
            proxy.serve("/a.onnx", body);
            ModelManifest m = manifest("""
                    name=behind-proxy
                    engine=x
                    source.a.url=http://models.stt.invalid/a.onnx
                    file.a.onnx.source=a
                    file.a.onnx.sha256=%s
                    """.formatted(ModelStoreTest.sha256(body)));
            ModelStore store = ModelStore.fromEnvironment(Map.of(ModelStore.DIR_ENV, cache.toString(),
                    "http_proxy", "127.0.0.1:" + proxy.uri("/").getPort(), ModelStore.STALL_TIMEOUT_ENV, "10"));
            Path dir = store.ensure(m);
            assertArrayEquals(body, Files.readAllBytes(dir.resolve("a.onnx")));
            assertEquals(1, proxy.requests("/a.onnx"), "fetched through the proxy the map names");
        }
    }
}
