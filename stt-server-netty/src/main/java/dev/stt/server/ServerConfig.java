package dev.stt.server;

import dev.stt.engine.Device;
import dev.stt.segment.VadOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything the server is started with. Read from the environment (and {@code .env}), then
 * overridden by command-line flags; validated once here with messages that name the setting.
 *
 * @param host                bind address ({@code HOST}, default 0.0.0.0)
 * @param port                TCP port ({@code PORT}, default 8000; 0 picks a free one)
 * @param model               engine model ({@code STT_MODEL}, default moonshine-tiny)
 * @param device              cpu | cuda | auto ({@code STT_DEVICE})
 * @param inferenceWorkers    parallel transcriptions ({@code STT_WORKERS}, default: cores / intra threads)
 * @param intraThreads        threads per transcription ({@code STT_THREADS}, default 1)
 * @param vad                 segmentation defaults for new sessions
 * @param maxSessions         concurrent WebSocket sessions ({@code STT_MAX_SESSIONS}); one more gets an error and close 1013
 * @param maxMessageBytes     largest WebSocket message or HTTP body ({@code STT_MAX_MESSAGE_BYTES}, default 16 MiB)
 * @param idleTimeoutSeconds  a session silent this long is closed ({@code STT_IDLE_TIMEOUT_S}, default 300)
 * @param maxPendingSegments  segments one session may have waiting for transcription
 * @param inferenceQueue      segments all sessions may have waiting; beyond it, "server busy"
 * @param drainSeconds        on shutdown, how long open segments may take to finish
 * @param maxAudioSeconds     longest audio one HTTP upload may carry ({@code STT_MAX_AUDIO_SECONDS}, default 10800 = 3 h);
 *                            checked from the WAV header before anything is decoded; longer gets 400
 * @param headerTimeoutSeconds a request's line and headers must arrive within this ({@code STT_HEADER_TIMEOUT_S},
 *                            default 10) of its first byte (or of the connection opening); later gets 408 and a close
 * @param maxConnections      open TCP connections, all clients together ({@code STT_MAX_CONNECTIONS}, default 2048);
 *                            one more gets 503 and a close
 * @param maxConnectionsPerAddress open TCP connections from one client address ({@code STT_MAX_CONNECTIONS_PER_ADDRESS},
 *                            default 512; 0 = no limit); one more gets 503 and a close
 */
public record ServerConfig(String host, int port, String model, Device device, int inferenceWorkers, int intraThreads,
                           VadOptions vad, int maxSessions, int maxMessageBytes, int idleTimeoutSeconds,
                           int maxPendingSegments, int inferenceQueue, int drainSeconds,
                           int maxAudioSeconds, int headerTimeoutSeconds, int maxConnections, int maxConnectionsPerAddress) {

    public ServerConfig {
        List<String> bad = new ArrayList<>();
        if (port < 0 || port > 65_535) {
            bad.add("PORT must be 0..65535, got " + port);
        }
        if (inferenceWorkers < 1) {
            bad.add("STT_WORKERS must be >= 1, got " + inferenceWorkers);
        }
        if (intraThreads < 1) {
            bad.add("STT_THREADS must be >= 1, got " + intraThreads);
        }
        if (maxSessions < 1) {
            bad.add("STT_MAX_SESSIONS must be >= 1, got " + maxSessions);
        }
        if (maxMessageBytes < 1024) {
            bad.add("STT_MAX_MESSAGE_BYTES must be >= 1024, got " + maxMessageBytes);
        }
        if (idleTimeoutSeconds < 1 || maxPendingSegments < 1 || inferenceQueue < 1 || drainSeconds < 0) {
            bad.add("timeouts and queue sizes must be positive");
        }
        if (maxAudioSeconds < 1) {
            bad.add("STT_MAX_AUDIO_SECONDS must be >= 1, got " + maxAudioSeconds);
        }
        if (headerTimeoutSeconds < 1) {
            bad.add("STT_HEADER_TIMEOUT_S must be >= 1, got " + headerTimeoutSeconds);
        }
        if (maxConnections < 1) {
            bad.add("STT_MAX_CONNECTIONS must be >= 1, got " + maxConnections);
        }
        if (maxConnectionsPerAddress < 0) {
            bad.add("STT_MAX_CONNECTIONS_PER_ADDRESS must be >= 0, got " + maxConnectionsPerAddress);
        }
        if (!bad.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", bad));
        }
    }

    public static ServerConfig defaults() {
        int cores = Runtime.getRuntime().availableProcessors();
        return new ServerConfig("0.0.0.0", 8000, "moonshine-tiny", Device.AUTO, Math.max(1, cores), 1,
                VadOptions.DEFAULTS, 256, 16 << 20, 300, 16, 256, 30,
                3 * 3600, 10, 2048, 512);
    }

    /** Defaults, then {@code .env} in {@code workDir}, then the real environment. */
    public static ServerConfig fromEnvironment(Path workDir, Map<String, String> env) throws java.io.IOException {
        Map<String, String> e = DotEnv.load(workDir.resolve(".env"), env);
        ServerConfig d = defaults();
        int intra = integer(e, "STT_THREADS", d.intraThreads());
        int cores = Runtime.getRuntime().availableProcessors();
        return new ServerConfig(
                e.getOrDefault("HOST", d.host()),
                integer(e, "PORT", d.port()),
                e.getOrDefault("STT_MODEL", d.model()),
                e.containsKey("STT_DEVICE") ? Device.parse(e.get("STT_DEVICE")) : d.device(),
                integer(e, "STT_WORKERS", Math.max(1, cores / intra)),
                intra,
                d.vad(),
                integer(e, "STT_MAX_SESSIONS", d.maxSessions()),
                integer(e, "STT_MAX_MESSAGE_BYTES", d.maxMessageBytes()),
                integer(e, "STT_IDLE_TIMEOUT_S", d.idleTimeoutSeconds()),
                integer(e, "STT_MAX_PENDING_SEGMENTS", d.maxPendingSegments()),
                integer(e, "STT_INFERENCE_QUEUE", d.inferenceQueue()),
                integer(e, "STT_DRAIN_S", d.drainSeconds()),
                integer(e, "STT_MAX_AUDIO_SECONDS", d.maxAudioSeconds()),
                integer(e, "STT_HEADER_TIMEOUT_S", d.headerTimeoutSeconds()),
                integer(e, "STT_MAX_CONNECTIONS", d.maxConnections()),
                integer(e, "STT_MAX_CONNECTIONS_PER_ADDRESS", d.maxConnectionsPerAddress()));
    }

    private static int integer(Map<String, String> env, String key, int fallback) {
        String v = env.get(key);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException(key + " must be an integer, got '" + v + "'");
        }
    }

    public ServerConfig withHost(String h) {
        return new ServerConfig(h, port, model, device, inferenceWorkers, intraThreads, vad, maxSessions, maxMessageBytes, idleTimeoutSeconds, maxPendingSegments, inferenceQueue, drainSeconds, maxAudioSeconds, headerTimeoutSeconds, maxConnections, maxConnectionsPerAddress);
    }

    public ServerConfig withPort(int p) {
        return new ServerConfig(host, p, model, device, inferenceWorkers, intraThreads, vad, maxSessions, maxMessageBytes, idleTimeoutSeconds, maxPendingSegments, inferenceQueue, drainSeconds, maxAudioSeconds, headerTimeoutSeconds, maxConnections, maxConnectionsPerAddress);
    }

    public ServerConfig withModel(String m) {
        return new ServerConfig(host, port, m, device, inferenceWorkers, intraThreads, vad, maxSessions, maxMessageBytes, idleTimeoutSeconds, maxPendingSegments, inferenceQueue, drainSeconds, maxAudioSeconds, headerTimeoutSeconds, maxConnections, maxConnectionsPerAddress);
    }

    public ServerConfig withDevice(Device d) {
        return new ServerConfig(host, port, model, d, inferenceWorkers, intraThreads, vad, maxSessions, maxMessageBytes, idleTimeoutSeconds, maxPendingSegments, inferenceQueue, drainSeconds, maxAudioSeconds, headerTimeoutSeconds, maxConnections, maxConnectionsPerAddress);
    }

    public ServerConfig withWorkers(int w) {
        return new ServerConfig(host, port, model, device, w, intraThreads, vad, maxSessions, maxMessageBytes, idleTimeoutSeconds, maxPendingSegments, inferenceQueue, drainSeconds, maxAudioSeconds, headerTimeoutSeconds, maxConnections, maxConnectionsPerAddress);
    }

    public ServerConfig withIntraThreads(int t) {
        return new ServerConfig(host, port, model, device, inferenceWorkers, t, vad, maxSessions, maxMessageBytes, idleTimeoutSeconds, maxPendingSegments, inferenceQueue, drainSeconds, maxAudioSeconds, headerTimeoutSeconds, maxConnections, maxConnectionsPerAddress);
    }

    public ServerConfig withVad(VadOptions v) {
        return new ServerConfig(host, port, model, device, inferenceWorkers, intraThreads, v, maxSessions, maxMessageBytes, idleTimeoutSeconds, maxPendingSegments, inferenceQueue, drainSeconds, maxAudioSeconds, headerTimeoutSeconds, maxConnections, maxConnectionsPerAddress);
    }

    public ServerConfig withLimits(int sessions, int messageBytes, int idleSeconds, int pendingSegments, int queue) {
        return new ServerConfig(host, port, model, device, inferenceWorkers, intraThreads, vad, sessions, messageBytes, idleSeconds, pendingSegments, queue, drainSeconds, maxAudioSeconds, headerTimeoutSeconds, maxConnections, maxConnectionsPerAddress);
    }

    /** The edge limits: audio per upload, header deadline, connections overall and per client address. */
    public ServerConfig withEdgeLimits(int audioSeconds, int headerSeconds, int connections, int connectionsPerAddress) {
        return new ServerConfig(host, port, model, device, inferenceWorkers, intraThreads, vad, maxSessions, maxMessageBytes, idleTimeoutSeconds, maxPendingSegments, inferenceQueue, drainSeconds, audioSeconds, headerSeconds, connections, connectionsPerAddress);
    }
}
