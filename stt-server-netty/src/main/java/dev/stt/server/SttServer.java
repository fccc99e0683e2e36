package dev.stt.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stt.engine.EngineConfig;
import dev.stt.engine.SttEngine;
import dev.stt.engine.SttEngines;
import dev.stt.model.ModelStore;
import dev.stt.protocol.Json;
import dev.stt.session.InferenceExecutor;
import dev.stt.session.Pipeline;
import dev.stt.session.SegmentBatcher;
import dev.stt.session.SessionConfig;
import dev.stt.session.TranscriptionSession;
import dev.stt.vad.SileroVad;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server: one Netty HTTP listener carrying the WebSocket doors and the HTTP routes. It listens at
 * once and loads the models in the background; until they are ready every door answers "not initialized".
 */
public final class SttServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SttServer.class);

    private final ServerConfig config;
    private final ModelLoader loader;
    private final ModelState models = new ModelState();
    private final Map<String, WebSocketDoor> doors = new HashMap<>();
    private final Map<String, HttpRoute> routes = new HashMap<>();
    private final List<Consumer<ChannelPipeline>> connectionSetup = new CopyOnWriteArrayList<>();
    private final AtomicInteger admitted = new AtomicInteger();
    private final ConnectionLimit connections;
    private final Set<TranscriptionSession> sessions = ConcurrentHashMap.newKeySet();
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final ExecutorService audioPool;
    private final InferenceExecutor inference;
    private final ServerMetrics metrics;
    private volatile SessionConfig sessionConfig;
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private Channel listener;
    private volatile boolean closed;
    private volatile boolean tls;
    private Duration batchWindow = Duration.ZERO;
    private boolean earlyDecode = true;
    private int maxBatch = 8;
    private volatile SegmentBatcher batcher;
    private EngineOpener opener;
    private volatile EngineRegistry engines;

    public SttServer(ServerConfig config, ModelLoader loader) {
        this.config = config;
        this.batchWindow = Duration.ofMillis(config.batchWindowMs());
        this.earlyDecode = config.earlyDecode();
        this.loader = loader;
        this.sessionConfig = SessionConfig.DEFAULTS.withVad(config.vad());
        AtomicInteger n = new AtomicInteger();
        this.audioPool = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()), r -> {
            Thread t = new Thread(r, "stt-audio-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.inference = new InferenceExecutor("stt-inference", config.inferenceWorkers(), config.inferenceQueue());
        this.metrics = new ServerMetrics(inference::queued);
        this.connections = new ConnectionLimit(config.maxConnections(), config.maxConnectionsPerAddress());
        metrics.gauge("stt.output.queued.bytes", "bytes written to clients and not yet taken by their sockets", this::queuedOutputBytes);
        metrics.gauge("stt.connections.open", "TCP connections open now", connections::open);
        this.opener = defaultOpener(config);
        metrics.gauge("stt.models.loaded", "model engines open now, the default included (others load on first use)",
                () -> engines == null ? 0 : engines.loadedCount());
        for (String m : config.models().subList(1, config.models().size())) {
            metrics.gauge("stt.model.load.seconds", "model", m, "seconds the last load of this model took (NaN before its first use)",
                    () -> engines == null ? Double.NaN : engines.loadSeconds(m));
        }
        WebSocketDoor original = (server, upgrade) -> new OriginalProtocolHandler(server);
        doors.put("/", original);
        doors.put("/ws", original);
        routes.put("/health", SttServer::health);
        routes.put("/ready", SttServer::ready);
        routes.put("/metrics", (s, ctx, req) -> HttpResponses.send(ctx, req, HttpResponseStatus.OK,
                "text/plain; version=0.0.4; charset=utf-8", s.metrics.scrape()));
        // the live-captions page for browsers at GET / (a WebSocket upgrade at / still reaches the door)
        WebPage page = new WebPage();
        WebPage.paths().forEach(p -> routes.put(p, page));
    }

    /** The models a real server runs: Silero VAD and the configured engine, from the model store. */
    public static ModelLoader defaultLoader(ServerConfig config) {
        return () -> {
            ModelStore store = config.store();
            SileroVad vad = SileroVad.open(store);
            try {
                SttEngine engine = SttEngines.open(EngineConfig.builder(config.model()).device(config.device())
                        .intraThreads(config.intraThreads()).store(store).build());
                return new ModelLoader.Models(vad, engine);
            } catch (Exception e) {
                vad.close();
                throw e;
            }
        };
    }

    /** How a served model other than the default is opened: from the model store, as the default is. */
    public static EngineOpener defaultOpener(ServerConfig config) {
        return model -> SttEngines.open(EngineConfig.builder(model).device(config.device())
                .intraThreads(config.intraThreads()).store(config.store()).build());
    }

    /** Replaces how models other than the default are opened (tests); call before {@link #start()}. */
    public SttServer engineOpener(EngineOpener o) {
        this.opener = o;
        return this;
    }

    /**
     * Liveness: 200 while the process can still serve; 503 once the models failed to load, which is
     * permanent (they are loaded once), so a liveness probe restarts the process instead of keeping it.
     */
    private static void health(SttServer s, io.netty.channel.ChannelHandlerContext ctx, io.netty.handler.codec.http.FullHttpRequest req) {
        String failure = s.models.failure();
        if (failure == null) {
            HttpResponses.json(ctx, req, HttpResponseStatus.OK, "{\"status\":\"ok\"}");
            return;
        }
        ObjectNode o = Json.object();
        o.put("status", "failed");
        o.put("reason", "models failed to load: " + failure);
        HttpResponses.json(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE, Json.write(o));
    }

    private static void ready(SttServer s, io.netty.channel.ChannelHandlerContext ctx, io.netty.handler.codec.http.FullHttpRequest req) {
        ObjectNode o = Json.object();
        HttpResponseStatus status;
        boolean overloaded = s.inference.queued() >= 0.9 * s.inference.queueCapacity();
        boolean full = s.admitted.get() >= s.config.maxSessions();
        if (s.models.ready() && !s.closed && !overloaded && !full) {
            o.put("status", "ready");
            o.put("model", s.config.model());
            status = HttpResponseStatus.OK;
        } else if (s.models.ready() && !s.closed && full) {
            // every session slot is taken: a new WebSocket session would be refused with 1013
            o.put("status", "full");
            o.put("reason", "all " + s.config.maxSessions() + " session slots are in use (STT_MAX_SESSIONS)");
            status = HttpResponseStatus.SERVICE_UNAVAILABLE;
        } else if (s.models.ready() && !s.closed) {
            // a load balancer should send new sessions elsewhere until the backlog drains
            o.put("status", "overloaded");
            status = HttpResponseStatus.SERVICE_UNAVAILABLE;
        } else if (s.closed) {
            o.put("status", "shutting_down");
            status = HttpResponseStatus.SERVICE_UNAVAILABLE;
        } else if (s.models.failure() != null) {
            o.put("status", "failed");
            o.put("reason", s.models.failure());
            status = HttpResponseStatus.SERVICE_UNAVAILABLE;
        } else {
            o.put("status", "loading");
            o.put("model", s.config.model());
            status = HttpResponseStatus.SERVICE_UNAVAILABLE;
        }
        o.put("sessions", s.admitted.get());
        o.put("max_sessions", s.config.maxSessions());
        o.put("inference_queue", s.inference.queued());
        HttpResponses.json(ctx, req, status, Json.write(o));
    }

    /**
     * Transcribes segments that different sessions close within {@code window} in one engine call (at most
     * {@code maxBatch}); worth it on a GPU. Zero turns it off (the default). Call before {@link #start()}.
     */
    public SttServer batching(Duration window, int maxBatch) {
        this.batchWindow = window;
        this.maxBatch = maxBatch;
        return this;
    }

    /**
     * Whether a pausing speaker's utterance is transcribed on an idle worker before the silence window
     * closes it (on by default; see {@link Pipeline#earlyDecode()}). Call before {@link #start()}.
     */
    public SttServer earlyDecode(boolean on) {
        this.earlyDecode = on;
        return this;
    }

    /** Adds a WebSocket protocol at {@code path}; call before {@link #start()}. */
    public SttServer door(String path, WebSocketDoor door) {
        doors.put(path, door);
        return this;
    }

    /** Adds an HTTP route at {@code path}; call before {@link #start()}. */
    public SttServer route(String path, HttpRoute route) {
        routes.put(path, route);
        return this;
    }

    /**
     * Adjusts every new connection's pipeline after the standard handlers are in place (TLS in front,
     * authentication before the router); call before {@link #start()}.
     */
    public SttServer onConnection(Consumer<ChannelPipeline> setup) {
        connectionSetup.add(setup);
        return this;
    }

    List<Consumer<ChannelPipeline>> connectionSetup() {
        return connectionSetup;
    }

    public SttServer start() throws InterruptedException {
        boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        ServerBootstrap b = new ServerBootstrap().group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .childHandler(new SttServerInitializer(this));
        listener = b.bind(config.host(), config.port()).sync().channel();
        log.info("listening on {}:{}; loading model {}", config.host(), port(), config.model());
        if (config.models().size() > 1) {
            log.info("also serving {}, each loaded on first use and unloaded after {} s idle",
                    config.models().subList(1, config.models().size()), config.modelTtlSeconds());
        }
        // other models share the default's VAD and pools; they are not batched across sessions
        engines = new EngineRegistry(config.model(), models, opener, config.modelTtlSeconds(),
                engine -> new Pipeline(models.pipeline().vad(), engine, audioPool, inference, null, earlyDecode));
        models.loadInBackground(loader, m -> {
            if (batchWindow.isZero()) {
                return new Pipeline(m.vad(), m.engine(), audioPool, inference, null, earlyDecode);
            }
            batcher = new SegmentBatcher(m.engine(), inference, batchWindow, maxBatch, config.inferenceQueue());
            return new Pipeline(m.vad(), m.engine(), audioPool, inference, batcher, earlyDecode);
        });
        return this;
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    public ServerConfig config() {
        return config;
    }

    public ModelState models() {
        return models;
    }

    /** The pipeline of every served model by name; the default's is {@link #models()}'s. Null before {@link #start()}. */
    public EngineRegistry engines() {
        return engines;
    }

    public ServerMetrics metrics() {
        return metrics;
    }

    public InferenceExecutor inference() {
        return inference;
    }

    public SessionConfig sessionConfig() {
        return sessionConfig;
    }

    public void sessionConfig(SessionConfig c) {
        this.sessionConfig = c;
    }

    /** Output queued in the server for all clients (not yet taken by their sockets); bounded per connection. */
    public long queuedOutputBytes() {
        long sum = 0;
        for (Channel ch : channels) {
            io.netty.channel.ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
            if (out != null) {
                sum += out.totalPendingWriteBytes();
            }
        }
        return sum;
    }

    ConnectionLimit connections() {
        return connections;
    }

    /** Every open connection, so shutdown can close them all. */
    void track(Channel ch) {
        channels.add(ch);
    }

    /** Whether connections speak TLS, so WebSocket handshakes name {@code wss://}. */
    boolean tls() {
        return tls;
    }

    /** Marks the server as serving TLS (its handler added by whoever installs the certificate). Call before {@link #start()}. */
    public SttServer secure() {
        this.tls = true;
        return this;
    }

    Map<String, WebSocketDoor> doors() {
        return doors;
    }

    Map<String, HttpRoute> routes() {
        return routes;
    }

    /** Takes a session slot; false when the server is full or shutting down. */
    boolean admitSession() {
        if (closed) {
            return false;
        }
        if (admitted.incrementAndGet() > config.maxSessions()) {
            admitted.decrementAndGet();
            return false;
        }
        return true;
    }

    void releaseSession() {
        admitted.decrementAndGet();
    }

    public void sessionOpened(TranscriptionSession s) {
        sessions.add(s);
    }

    public void sessionClosed(TranscriptionSession s) {
        sessions.remove(s);
    }

    /** True when no session has audio or segments still in work. */
    public boolean idle() {
        return sessions.stream().allMatch(s -> s.outstanding() == 0);
    }

    /** Sessions with a transcription session open now (for tests and drain). */
    public int openSessions() {
        return sessions.size();
    }

    /**
     * Graceful stop: refuse new connections, let open segments finish for up to the drain deadline,
     * then close every connection and release the models.
     */
    public void shutdown() {
        if (closed) {
            return;
        }
        closed = true;
        log.info("shutting down: draining {} sessions for up to {} s", sessions.size(), config.drainSeconds());
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(config.drainSeconds());
        for (TranscriptionSession s : sessions) {
            s.commit();
        }
        while (System.nanoTime() < deadline && sessions.stream().anyMatch(s -> s.outstanding() > 0)) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Channel ch : channels) {
            if (ch.pipeline().get("door") != null) {
                // WebSocket clients are told why (1001 going away) so they reconnect elsewhere
                ch.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, "server shutting down"))
                        .addListener(ChannelFutureListener.CLOSE);
            } else {
                ch.close();
            }
        }
        channels.newCloseFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
        if (workers != null) {
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        // Native sessions are closed only once no thread can be inside them: closing an OrtSession
        // during a run crashes the JVM. Work of sessions whose clients already left is waited for too.
        boolean idle = false;
        try {
            audioPool.shutdown();
            idle = audioPool.awaitTermination(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (batcher != null) {
                batcher.close(); // no audio work is left to close segments; what still waits is answered as failed
            }
            idle &= inference.drain(Math.max(1, deadline - System.nanoTime()) + TimeUnit.SECONDS.toNanos(5), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        models.loaded().orTimeout(30, TimeUnit.SECONDS).exceptionally(e -> null).join();
        if (idle) {
            if (engines != null) {
                engines.close();
            }
            models.close();
        } else {
            log.warn("inference still running after the drain deadline: models left open for the process exit to release");
        }
        inference.close();
        audioPool.shutdownNow();
        log.info("stopped");
    }

    @Override
    public void close() {
        shutdown();
    }
}
