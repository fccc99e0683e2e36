package dev.stt.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One environment map, process over {@code .env}, feeds every setting: the model store's too. */
class ServerConfigEnvironmentTest {

    @Test
    void settingsWrittenInDotEnvReachTheModelStoreAndTheServer(@TempDir Path dir) throws Exception {
        Path models = dir.resolve("models");
        Files.writeString(dir.resolve(".env"), "STT_MODELS_DIR=" + models + "\nSTT_OFFLINE=1\nSTT_BATCH_WINDOW_MS=15\n"
                + "STT_EARLY_DECODE=0\nSTT_MAX_UPLOAD_BYTES=2048\nPORT=9001\n");
        Map<String, String> env = ServerConfig.environment(dir, Map.of("PORT", "9002"));
        ServerConfig c = ServerConfig.fromEnvironment(env);
        assertEquals(models, c.store().root());
        assertTrue(c.store().isOffline());
        assertEquals(15, c.batchWindowMs());
        assertFalse(c.earlyDecode());
        assertEquals(2048, c.maxUploadBytes());
        assertEquals(9002, c.port(), "the process environment wins over .env");
    }

    @Test
    void defaultsFollowOpenAiForUploadsAndEachBadValueNamesItsVariable() {
        ServerConfig d = ServerConfig.fromEnvironment(Map.of());
        assertEquals(25 << 20, d.maxUploadBytes());
        assertTrue(d.earlyDecode());
        assertEquals(0, d.batchWindowMs());
        for (Map.Entry<String, String> bad : Map.of("STT_BATCH_WINDOW_MS", "soon", "STT_EARLY_DECODE", "yes",
                "STT_MAX_UPLOAD_BYTES", "12", "STT_WORKERS", "0").entrySet()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ServerConfig.fromEnvironment(Map.of(bad.getKey(), bad.getValue())));
            assertTrue(e.getMessage().contains(bad.getKey()), e.getMessage());
        }
    }

    @Test
    void aChangedCopyKeepsEveryOtherSetting() {
        ServerConfig d = ServerConfig.defaults();
        ServerConfig c = d.withPort(1234);
        assertEquals(d.toBuilder().port(1234).build(), c);
        assertEquals(d.maxConnections(), c.withHost("127.0.0.1").maxConnections());
    }

    @Test
    void sttModelsServesSeveralTheFirstTheDefaultAndBadListsNameTheVariable() {
        ServerConfig one = ServerConfig.fromEnvironment(Map.of("STT_MODEL", "whisper-base"));
        assertEquals(java.util.List.of("whisper-base"), one.models());
        assertEquals(300, one.modelTtlSeconds());
        ServerConfig two = ServerConfig.fromEnvironment(Map.of("STT_MODELS", " moonshine-base, whisper-small ", "STT_MODEL_TTL_S", "60"));
        assertEquals("moonshine-base", two.model());
        assertEquals(java.util.List.of("moonshine-base", "whisper-small"), two.models());
        assertEquals(60, two.modelTtlSeconds());
        assertEquals(two.models(), two.withModel("moonshine-base").models(), "--model naming the default keeps the others");
        assertEquals(java.util.List.of("whisper-tiny"), two.withModel("whisper-tiny").models());
        for (Map<String, String> bad : java.util.List.of(Map.of("STT_MODELS", "a,,b"), Map.of("STT_MODEL_TTL_S", "0"),
                Map.of("STT_MODEL_TTL_S", "soon"), Map.of("STT_MODEL", "a", "STT_MODELS", "b,a"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServerConfig.fromEnvironment(bad));
            assertTrue(e.getMessage().contains(bad.containsKey("STT_MODELS") ? "STT_MODELS" : "STT_MODEL_TTL_S"), e.getMessage());
        }
    }
}
