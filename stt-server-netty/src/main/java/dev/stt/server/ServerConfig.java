package dev.stt.server;

import dev.stt.engine.Device;
import dev.stt.model.ModelStore;
import dev.stt.segment.VadOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything the server is started with, in one immutable value: read from one environment map (the process
 * environment over {@code .env}, see {@link #environment}), then overridden by command-line flags through
 * {@link #toBuilder()}; validated once here with messages that name the setting.
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
 * @param maxUploadBytes      largest HTTP upload ({@code STT_MAX_UPLOAD_BYTES}, default 25 MiB as OpenAI's); larger gets 413
 * @param batchWindowMs       over 0, segments of different sessions closing within this many ms share one engine call
 *                            ({@code STT_BATCH_WINDOW_MS}, default 0: worth it on a GPU)
 * @param earlyDecode         transcribe a pausing utterance on an idle worker before its silence window closes
 *                            ({@code STT_EARLY_DECODE}, default 1)
 * @param store               where models are cached and how they are fetched ({@code STT_MODELS_DIR}, {@code STT_OFFLINE},
 *                            {@code STT_DOWNLOAD_TIMEOUT}, proxies), from the same environment
 * @param models              every model served, the default ({@code model}) first ({@code STT_MODELS}, comma-separated;
 *                            unset: {@code STT_MODEL} alone); a request names one, the others load on first use
 * @param modelTtlSeconds     a model other than the default, unused this long, is unloaded ({@code STT_MODEL_TTL_S},
 *                            default 300); the next request for it loads it again
 */
public record ServerConfig(String host, int port, String model, Device device, int inferenceWorkers, int intraThreads, VadOptions vad, int maxSessions, int maxMessageBytes, int idleTimeoutSeconds, int maxPendingSegments, int inferenceQueue, int drainSeconds, int maxAudioSeconds, int headerTimeoutSeconds, int maxConnections, int maxConnectionsPerAddress, int maxUploadBytes, int batchWindowMs, boolean earlyDecode, ModelStore store, List<String> models, int modelTtlSeconds) {

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
        if (maxUploadBytes < 1024) {
            bad.add("STT_MAX_UPLOAD_BYTES must be >= 1024, got " + maxUploadBytes);
        }
        if (batchWindowMs < 0) {
            bad.add("STT_BATCH_WINDOW_MS must be >= 0, got " + batchWindowMs);
        }
        java.util.Objects.requireNonNull(store, "store");
        if (model == null || model.isBlank()) {
            bad.add("STT_MODEL must name a model");
        }
        if (models == null || models.isEmpty()) {
            models = model == null ? List.of() : List.of(model);
        } else {
            models = List.copyOf(new java.util.LinkedHashSet<>(models));
            if (models.stream().anyMatch(String::isBlank)) {
                bad.add("STT_MODELS must be model[,model...] with no empty entry, got " + models);
            } else if (!models.get(0).equals(model)) {
                bad.add("STT_MODELS must start with the default model '" + model + "', got " + models);
            }
        }
        if (modelTtlSeconds < 1) {
            bad.add("STT_MODEL_TTL_S must be >= 1, got " + modelTtlSeconds);
        }
        if (!bad.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", bad));
        }
    }

    public static ServerConfig defaults() {
        int cores = Runtime.getRuntime().availableProcessors();
        return new ServerConfig("0.0.0.0", 8000, "moonshine-tiny", Device.AUTO, Math.max(1, cores), 1,
                VadOptions.DEFAULTS, 256, 16 << 20, 300, 16, 256, 30,
                3 * 3600, 10, 2048, 512, 25 << 20, 0, true, ModelStore.fromEnvironment(), List.of("moonshine-tiny"), 300);
    }

    /**
     * The one map every setting is read from: {@code .env} in {@code workDir} under the process environment
     * (a variable set in both keeps the process's value). The server, its OpenAI doors, its access policy and
     * its model store all read this map, so a setting written in {@code .env} reaches every one of them.
     */
    public static Map<String, String> environment(Path workDir, Map<String, String> processEnv) throws java.io.IOException {
        return Map.copyOf(DotEnv.load(workDir.resolve(".env"), processEnv));
    }

    /** Defaults, then {@code .env} in {@code workDir}, then the real environment. */
    public static ServerConfig fromEnvironment(Path workDir, Map<String, String> env) throws java.io.IOException {
        return fromEnvironment(environment(workDir, env));
    }

    /** Every {@code HOST}, {@code PORT} and {@code STT_*} setting from {@code e} over the defaults. */
    public static ServerConfig fromEnvironment(Map<String, String> e) {
        ServerConfig d = defaults();
        int intra = integer(e, "STT_THREADS", d.intraThreads());
        int cores = Runtime.getRuntime().availableProcessors();
        String early = e.getOrDefault("STT_EARLY_DECODE", "1").strip();
        if (!early.equals("0") && !early.equals("1")) {
            throw new IllegalArgumentException("STT_EARLY_DECODE must be 0 or 1, got '" + early + "'");
        }
        List<String> models = models(e, e.getOrDefault("STT_MODEL", d.model()).strip());
        return d.toBuilder()
                .host(e.getOrDefault("HOST", d.host()))
                .port(integer(e, "PORT", d.port()))
                .models(models)
                .modelTtlSeconds(integer(e, "STT_MODEL_TTL_S", d.modelTtlSeconds()))
                .device(e.containsKey("STT_DEVICE") ? Device.parse(e.get("STT_DEVICE")) : d.device())
                .inferenceWorkers(integer(e, "STT_WORKERS", Math.max(1, cores / intra)))
                .intraThreads(intra)
                .maxSessions(integer(e, "STT_MAX_SESSIONS", d.maxSessions()))
                .maxMessageBytes(integer(e, "STT_MAX_MESSAGE_BYTES", d.maxMessageBytes()))
                .idleTimeoutSeconds(integer(e, "STT_IDLE_TIMEOUT_S", d.idleTimeoutSeconds()))
                .maxPendingSegments(integer(e, "STT_MAX_PENDING_SEGMENTS", d.maxPendingSegments()))
                .inferenceQueue(integer(e, "STT_INFERENCE_QUEUE", d.inferenceQueue()))
                .drainSeconds(integer(e, "STT_DRAIN_S", d.drainSeconds()))
                .maxAudioSeconds(integer(e, "STT_MAX_AUDIO_SECONDS", d.maxAudioSeconds()))
                .headerTimeoutSeconds(integer(e, "STT_HEADER_TIMEOUT_S", d.headerTimeoutSeconds()))
                .maxConnections(integer(e, "STT_MAX_CONNECTIONS", d.maxConnections()))
                .maxConnectionsPerAddress(integer(e, "STT_MAX_CONNECTIONS_PER_ADDRESS", d.maxConnectionsPerAddress()))
                .maxUploadBytes(integer(e, "STT_MAX_UPLOAD_BYTES", d.maxUploadBytes()))
                .batchWindowMs(integer(e, "STT_BATCH_WINDOW_MS", d.batchWindowMs()))
                .earlyDecode(early.equals("1"))
                .store(ModelStore.fromEnvironment(e))
                .build();
    }

    /** {@code STT_MODELS} (the first is the default), else {@code STT_MODEL} alone. */
    private static List<String> models(Map<String, String> e, String model) {
        String spec = e.get("STT_MODELS");
        if (spec == null || spec.isBlank()) {
            return List.of(model);
        }
        List<String> out = new ArrayList<>();
        for (String m : spec.split(",", -1)) {
            if (m.isBlank()) {
                throw new IllegalArgumentException("STT_MODELS must be model[,model...] with no empty entry, got '" + spec + "'");
            }
            out.add(m.strip());
        }
        if (e.containsKey("STT_MODEL") && !e.get("STT_MODEL").isBlank() && !out.get(0).equals(model)) {
            throw new IllegalArgumentException("STT_MODEL is '" + model + "' but STT_MODELS starts with '" + out.get(0)
                    + "': the first of STT_MODELS is the default; set one or make them agree");
        }
        return out;
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

    public Builder toBuilder() {
        return new Builder(this);
    }

    public ServerConfig withHost(String h) {
        return toBuilder().host(h).build();
    }

    public ServerConfig withPort(int p) {
        return toBuilder().port(p).build();
    }

    public ServerConfig withModel(String m) {
        return toBuilder().model(m).build();
    }

    public ServerConfig withDevice(Device d) {
        return toBuilder().device(d).build();
    }

    public ServerConfig withWorkers(int w) {
        return toBuilder().inferenceWorkers(w).build();
    }

    public ServerConfig withIntraThreads(int t) {
        return toBuilder().intraThreads(t).build();
    }

    public ServerConfig withVad(VadOptions v) {
        return toBuilder().vad(v).build();
    }

    public ServerConfig withLimits(int sessions, int messageBytes, int idleSeconds, int pendingSegments, int queue) {
        return toBuilder().maxSessions(sessions).maxMessageBytes(messageBytes).idleTimeoutSeconds(idleSeconds)
                .maxPendingSegments(pendingSegments).inferenceQueue(queue).build();
    }

    /** The edge limits: audio per upload, header deadline, connections overall and per client address. */
    public ServerConfig withEdgeLimits(int audioSeconds, int headerSeconds, int connections, int connectionsPerAddress) {
        return toBuilder().maxAudioSeconds(audioSeconds).headerTimeoutSeconds(headerSeconds).maxConnections(connections)
                .maxConnectionsPerAddress(connectionsPerAddress).build();
    }

    /** A changed copy: set what differs, then {@link #build()} validates the whole. */
    public static final class Builder {
        private String host;
        private int port;
        private String model;
        private Device device;
        private int inferenceWorkers;
        private int intraThreads;
        private VadOptions vad;
        private int maxSessions;
        private int maxMessageBytes;
        private int idleTimeoutSeconds;
        private int maxPendingSegments;
        private int inferenceQueue;
        private int drainSeconds;
        private int maxAudioSeconds;
        private int headerTimeoutSeconds;
        private int maxConnections;
        private int maxConnectionsPerAddress;
        private int maxUploadBytes;
        private int batchWindowMs;
        private boolean earlyDecode;
        private ModelStore store;
        private List<String> models;
        private int modelTtlSeconds;

        private Builder(ServerConfig c) {
            host = c.host();
            port = c.port();
            model = c.model();
            device = c.device();
            inferenceWorkers = c.inferenceWorkers();
            intraThreads = c.intraThreads();
            vad = c.vad();
            maxSessions = c.maxSessions();
            maxMessageBytes = c.maxMessageBytes();
            idleTimeoutSeconds = c.idleTimeoutSeconds();
            maxPendingSegments = c.maxPendingSegments();
            inferenceQueue = c.inferenceQueue();
            drainSeconds = c.drainSeconds();
            maxAudioSeconds = c.maxAudioSeconds();
            headerTimeoutSeconds = c.headerTimeoutSeconds();
            maxConnections = c.maxConnections();
            maxConnectionsPerAddress = c.maxConnectionsPerAddress();
            maxUploadBytes = c.maxUploadBytes();
            batchWindowMs = c.batchWindowMs();
            earlyDecode = c.earlyDecode();
            store = c.store();
            models = c.models();
            modelTtlSeconds = c.modelTtlSeconds();
        }

        public Builder host(String v) {
            host = v;
            return this;
        }

        public Builder port(int v) {
            port = v;
            return this;
        }

        /**
         * The default model (what {@code --model} sets): a model other than the current default becomes the one
         * model served; the same one keeps the others.
         */
        public Builder model(String v) {
            if (!java.util.Objects.equals(v, model) || models == null || models.isEmpty()) {
                models = v == null ? List.of() : List.of(v);
            }
            model = v;
            return this;
        }

        /** Every model served, the default first ({@code STT_MODELS}). */
        public Builder models(List<String> v) {
            models = List.copyOf(v);
            model = v.isEmpty() ? model : v.get(0);
            return this;
        }

        public Builder modelTtlSeconds(int v) {
            modelTtlSeconds = v;
            return this;
        }

        public Builder device(Device v) {
            device = v;
            return this;
        }

        public Builder inferenceWorkers(int v) {
            inferenceWorkers = v;
            return this;
        }

        public Builder intraThreads(int v) {
            intraThreads = v;
            return this;
        }

        public Builder vad(VadOptions v) {
            vad = v;
            return this;
        }

        public Builder maxSessions(int v) {
            maxSessions = v;
            return this;
        }

        public Builder maxMessageBytes(int v) {
            maxMessageBytes = v;
            return this;
        }

        public Builder idleTimeoutSeconds(int v) {
            idleTimeoutSeconds = v;
            return this;
        }

        public Builder maxPendingSegments(int v) {
            maxPendingSegments = v;
            return this;
        }

        public Builder inferenceQueue(int v) {
            inferenceQueue = v;
            return this;
        }

        public Builder drainSeconds(int v) {
            drainSeconds = v;
            return this;
        }

        public Builder maxAudioSeconds(int v) {
            maxAudioSeconds = v;
            return this;
        }

        public Builder headerTimeoutSeconds(int v) {
            headerTimeoutSeconds = v;
            return this;
        }

        public Builder maxConnections(int v) {
            maxConnections = v;
            return this;
        }

        public Builder maxConnectionsPerAddress(int v) {
            maxConnectionsPerAddress = v;
            return this;
        }

        public Builder maxUploadBytes(int v) {
            maxUploadBytes = v;
            return this;
        }

        public Builder batchWindowMs(int v) {
            batchWindowMs = v;
            return this;
        }

        public Builder earlyDecode(boolean v) {
            earlyDecode = v;
            return this;
        }

        public Builder store(ModelStore v) {
            store = v;
            return this;
        }

        public ServerConfig build() {
            return new ServerConfig(host, port, model, device, inferenceWorkers, intraThreads, vad, maxSessions, maxMessageBytes, idleTimeoutSeconds, maxPendingSegments, inferenceQueue, drainSeconds, maxAudioSeconds, headerTimeoutSeconds, maxConnections, maxConnectionsPerAddress, maxUploadBytes, batchWindowMs, earlyDecode, store, models, modelTtlSeconds);
        }
    }
}
