package dev.stt.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The edge settings of issue #16 are read from the environment like the others, with documented defaults. */
class ServerConfigEdgeSettingsTest {

    @TempDir
    Path dir;

    @Test
    void defaultsAreTheDocumentedOnes() throws Exception {
        ServerConfig c = ServerConfig.fromEnvironment(dir, Map.of());
        assertEquals(3 * 3600, c.maxAudioSeconds());
        assertEquals(10, c.headerTimeoutSeconds());
        assertEquals(2048, c.maxConnections());
        assertEquals(512, c.maxConnectionsPerAddress());
    }

    @Test
    void theEnvironmentSetsThem() throws Exception {
        ServerConfig c = ServerConfig.fromEnvironment(dir, Map.of("STT_MAX_AUDIO_SECONDS", "600", "STT_HEADER_TIMEOUT_S", "5",
                "STT_MAX_CONNECTIONS", "100", "STT_MAX_CONNECTIONS_PER_ADDRESS", "0"));
        assertEquals(600, c.maxAudioSeconds());
        assertEquals(5, c.headerTimeoutSeconds());
        assertEquals(100, c.maxConnections());
        assertEquals(0, c.maxConnectionsPerAddress());
        assertEquals(600, c.withPort(1).withLimits(1, 2048, 1, 1, 1).maxAudioSeconds(), "the with* copies keep them");
    }

    @Test
    void badValuesNameTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.fromEnvironment(dir, Map.of("STT_MAX_AUDIO_SECONDS", "0", "STT_MAX_CONNECTIONS_PER_ADDRESS", "-1")));
        assertTrue(e.getMessage().contains("STT_MAX_AUDIO_SECONDS must be >= 1, got 0"), e.getMessage());
        assertTrue(e.getMessage().contains("STT_MAX_CONNECTIONS_PER_ADDRESS must be >= 0, got -1"), e.getMessage());
    }
}
