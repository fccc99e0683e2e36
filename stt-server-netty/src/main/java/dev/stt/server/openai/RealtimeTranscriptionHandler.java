package dev.stt.server.openai;

import dev.stt.audio.AudioFormatException;
import dev.stt.engine.TranscribeOptions;
import dev.stt.protocol.InterimTranscript;
import dev.stt.protocol.openai.RealtimeAudioFormat;
import dev.stt.protocol.openai.RealtimeClientEvent;
import dev.stt.protocol.openai.RealtimeClientEvents;
import dev.stt.protocol.openai.RealtimeProtocolException;
import dev.stt.protocol.openai.RealtimeServerEvents;
import dev.stt.protocol.openai.TranscriptionSessionConfig;
import dev.stt.server.EngineRegistry;
import dev.stt.server.ReadGate;
import dev.stt.server.SttServer;
import dev.stt.server.WebSocketSessionHandler;
import dev.stt.session.ClosedSegment;
import dev.stt.session.Pipeline;
import dev.stt.session.SegmentResult;
import dev.stt.session.SessionConfig;
import dev.stt.session.SessionListener;
import dev.stt.session.TranscriptionSession;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * OpenAI Realtime transcription sessions at {@code /v1/realtime}: a thin adapter over the shared
 * {@link TranscriptionSession}. It names items, chains commits, keeps the 100 ms commit rule, and turns the
 * session's interim decodes (every {@link OpenAiOptions#interimIntervalMs()} of open speech, on workers that
 * final transcripts leave idle) into deltas ({@link InterimTranscript} keeps their concatenation equal to the
 * completed transcript).
 *
 * <p>Threads: client events arrive on the event loop; speech events on the session's audio thread; results
 * and interim text on inference workers. Item state and sends happen under one lock, so each item's
 * events leave in order (speech_started, speech_stopped, committed, deltas, completed).
 */
final class RealtimeTranscriptionHandler extends WebSocketSessionHandler {

    private static final Logger log = LoggerFactory.getLogger(RealtimeTranscriptionHandler.class);
    /** The Realtime API refuses to commit less audio than this. */
    static final int MIN_COMMIT_MS = 100;

    /** Audio goes to the shared session a second at a time, so one 15 MiB append never trips its buffered-audio limit. */
    private static final int CHUNK_MS = 1000;
    /** Session work (audio tasks, segments) in progress above which more audio waits and the socket is not read. */
    private static final int MAX_OUTSTANDING = 8;

    private final OpenAiOptions options;
    private final RealtimeServerEvents events = new RealtimeServerEvents();
    private final boolean beta;
    private ChannelHandlerContext ctx;

    // event loop only
    private TranscriptionSessionConfig config;
    private TranscriptionSession session;
    private SessionConfig sessionConfig;
    private double uncommittedMs;
    private long rateOriginMs;    // stream time at which the current format's audio began
    private long sessionOriginMs; // stream time at which the current shared session began (its time 0)
    private double streamMs;

    private final ArrayDeque<RealtimeClientEvent> backlog = new ArrayDeque<>();
    private final ArrayDeque<float[]> pendingAudio = new ArrayDeque<>();
    private boolean retryScheduled;
    private final ModelNames names;
    private EngineRegistry.Lease lease;      // the model of the open shared session
    private java.util.concurrent.CompletableFuture<EngineRegistry.Lease> loading; // its model loading on first use
    private String failedModel;              // failed to load for this connection: not retried on every append
    private String failedWhy;
    private boolean gone;
    private final String urlModel;           // ?model= of the upgrade: a conversation model name may be there

    // guarded by this
    private String openItem;         // speech started, not yet committed
    private long openItemStartMs;
    private String previousItem;
    private final Map<String, InterimTranscript> interim = new HashMap<>();

    RealtimeTranscriptionHandler(SttServer server, OpenAiOptions options, FullHttpRequest upgrade) {
        super(server);
        this.options = options;
        String beta = upgrade.headers().get("OpenAI-Beta");
        this.beta = beta != null && beta.contains("realtime=v1");
        this.names = options.modelNames(server.config().models());
        List<String> model = new QueryStringDecoder(upgrade.uri()).parameters().get("model");
        this.urlModel = model != null && !model.isEmpty() ? model.get(0) : null;
        this.config = TranscriptionSessionConfig.defaults(
                model != null && !model.isEmpty() && !model.get(0).isBlank() ? model.get(0) : server.config().model());
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        server.metrics().sessions().incrementAndGet();
        // one append may carry 15 MiB of audio (20 MiB of base64), more than the server's general message limit
        if (ctx.pipeline().get("ws-aggregate") != null) {
            ctx.pipeline().replace("ws-aggregate", "ws-aggregate", new WebSocketFrameAggregator(RealtimeClientEvents.MAX_FRAME_CHARS));
        }
        send(ctx, events.sessionCreated(config, beta));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame && frame.content().readableBytes() <= RealtimeClientEvents.MAX_FRAME_CHARS) {
            onText(ctx, frame.content().toString(StandardCharsets.UTF_8));
        } else {
            super.channelRead0(ctx, frame);
        }
    }

    @Override
    protected void onText(ChannelHandlerContext ctx, String text) {
        try {
            backlog.add(RealtimeClientEvents.parse(text));
        } catch (RealtimeProtocolException e) {
            refused(e);
            return;
        }
        if (!retryScheduled) {
            pump();
        }
    }

    /**
     * Handles client events in order, feeding their audio to the session as it keeps up. While the
     * session is behind, the socket is not read (backpressure reaches the client through TCP) and later
     * events wait, so a commit never overtakes the audio before it.
     */
    private void pump() {
        while (true) {
            if (loading != null) {
                // the session's model is loading on first use: later events wait, the socket is not read
                ReadGate.hold(ctx.channel(), ReadGate.SESSION);
                return;
            }
            while (!pendingAudio.isEmpty()) {
                if (session == null || !ctx.channel().isActive()) {
                    pendingAudio.clear();
                    break;
                }
                if (session.outstanding() >= MAX_OUTSTANDING) {
                    ReadGate.hold(ctx.channel(), ReadGate.SESSION);
                    retryScheduled = true;
                    ctx.executor().schedule(() -> {
                        retryScheduled = false;
                        pump();
                    }, 10, TimeUnit.MILLISECONDS);
                    return;
                }
                take(session, pendingAudio.poll());
            }
            RealtimeClientEvent next = backlog.poll();
            if (next == null) {
                break;
            }
            try {
                switch (next) {
                    case RealtimeClientEvent.SessionUpdate u -> update(u);
                    case RealtimeClientEvent.AudioAppend a -> append(a);
                    case RealtimeClientEvent.AudioCommit c -> commit(c);
                    case RealtimeClientEvent.AudioClear c -> clear();
                }
            } catch (RealtimeProtocolException e) {
                refused(e);
            }
        }
        ReadGate.release(ctx.channel(), ReadGate.SESSION);
    }

    @Override
    protected boolean owesClient() {
        TranscriptionSession s = session;
        return !pendingAudio.isEmpty() || !backlog.isEmpty() || (s != null && s.outstanding() > 0);
    }

    private void refused(RealtimeProtocolException e) {
        server.metrics().error(e.code());
        send(ctx, events.error(e));
    }

    @Override
    protected void onBinary(ChannelHandlerContext ctx, byte[] data) {
        sendError(ctx, "invalid_event", "the Realtime API takes JSON text events; send audio as input_audio_buffer.append");
    }

    private void update(RealtimeClientEvent.SessionUpdate u) {
        TranscriptionSessionConfig next;
        try {
            next = u.applyTo(config);
        } catch (RealtimeProtocolException e) {
            throw e.forClientEvent(u.eventId());
        }
        if (next.format() != config.format()) {
            rateOriginMs = (long) streamMs;
        }
        if (next.model() != null && !next.model().isBlank() && !next.model().equals(config.model()) && !names.serves(next.model())) {
            throw modelNotFound(next.model()).forClientEvent(u.eventId());
        }
        config = next;
        if (session != null && lease != null && !lease.model().equals(servedModel())) {
            closeSession(); // another model: later audio goes to a fresh session on it
        }
        if (session != null && !sessionConfigFor(config).equals(sessionConfig)) {
            // VAD and engine options are fixed per shared session: later audio goes to a fresh one
            closeSession();
        }
        send(ctx, events.sessionUpdated(config, u.beta() || beta));
    }

    private void append(RealtimeClientEvent.AudioAppend a) {
        if (session(a.eventId()) == null) {
            if (loading != null) {
                backlog.addFirst(a); // taken again once the model is loaded
            }
            return;
        }
        RealtimeAudioFormat format = config.format();
        byte[] bytes = a.audio();
        if (format == RealtimeAudioFormat.PCM16 && (bytes.length & 1) == 1) {
            // half a sample would shift every later sample by one byte: refuse the append, keep the stream aligned
            throw new RealtimeProtocolException("invalid_value", "audio", "pcm16 audio must be a whole number of "
                    + "2-byte samples; this append has " + bytes.length + " bytes and was not used").forClientEvent(a.eventId());
        }
        if (bytes.length == 0) {
            return;
        }
        float[] samples = format.decode(bytes, 0, bytes.length);
        int chunk = format.sampleRate() * CHUNK_MS / 1000;
        for (int at = 0; at < samples.length; at += chunk) {
            pendingAudio.add(at == 0 && samples.length <= chunk ? samples
                    : java.util.Arrays.copyOfRange(samples, at, Math.min(samples.length, at + chunk)));
        }
    }

    /** One chunk into the shared session, and the bookkeeping for commits. */
    private void take(TranscriptionSession s, float[] samples) {
        RealtimeAudioFormat format = config.format();
        try {
            if (!s.append(samples, format.sampleRate())) {
                return; // the listener already told the client why
            }
        } catch (AudioFormatException e) {
            refused(new RealtimeProtocolException("invalid_value", "audio", e.getMessage()));
            return;
        }
        double ms = samples.length * 1000.0 / format.sampleRate();
        server.metrics().audio(ms / 1000);
        uncommittedMs += ms;
        streamMs += ms;
    }

    private void commit(RealtimeClientEvent.AudioCommit c) {
        if (uncommittedMs < MIN_COMMIT_MS) {
            throw new RealtimeProtocolException("input_audio_buffer_commit_empty", null, String.format(
                    "Error committing input audio buffer: buffer too small. Expected at least %d ms of audio, "
                            + "but buffer only has %.2f ms of audio.", MIN_COMMIT_MS, uncommittedMs))
                    .forClientEvent(c.eventId());
        }
        uncommittedMs = 0;
        if (session != null) {
            session.commit();
        }
    }

    private void clear() {
        uncommittedMs = 0;
        if (session != null) {
            session.clear();
        }
        synchronized (this) {
            if (openItem != null) {
                interim.remove(openItem);
                openItem = null;
            }
            send(ctx, events.cleared());
        }
    }

    private SessionConfig sessionConfigFor(TranscriptionSessionConfig c) {
        SessionConfig base = server.sessionConfig();
        TranscribeOptions t = base.transcribe().withLanguage(c.language()).withPrompt(c.prompt());
        return base.withVad(c.turnDetection() == null ? null : c.turnDetection().toVadOptions(base.vad() != null
                ? base.vad() : server.config().vad())).withTranscribe(t).withInterimIntervalMs(options.interimIntervalMs());
    }

    /** The shared session, opened on first audio; null (and the client told) while models load. */
    private TranscriptionSession session(String clientEventId) {
        if (session != null) {
            return session;
        }
        if (loading != null) {
            return null;
        }
        String served = servedModel();
        if (served == null) {
            server.metrics().error("model_not_found");
            send(ctx, events.error(modelNotFound(config.model()).forClientEvent(clientEventId)));
            return null;
        }
        if (served.equals(failedModel)) {
            server.metrics().error("not_ready");
            send(ctx, events.error("server_error", "models_not_ready", failedWhy, null, clientEventId));
            return null;
        }
        if (lease != null && !lease.model().equals(served)) {
            lease.close(); // loaded for a model the session no longer names, no session opened on it
            lease = null;
        }
        if (lease == null) {
            java.util.concurrent.CompletableFuture<EngineRegistry.Lease> f = server.engines().acquire(served);
            if (!f.isDone()) {
                loading = f;
                f.whenComplete((l, e) -> ctx.executor().execute(() -> modelLoaded(f)));
                return null;
            }
            try {
                lease = f.join();
            } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
                server.metrics().error("not_ready");
                send(ctx, events.error("server_error", "models_not_ready", e.getCause() != null ? e.getCause().getMessage()
                        : "Server models not initialized.", null, clientEventId));
                return null;
            }
        }
        Pipeline pipeline = lease.pipeline();
        sessionConfig = sessionConfigFor(config);
        sessionOriginMs = (long) streamMs;
        session = pipeline.open(sessionConfig, new Listener(config.turnDetection() == null, sessionOriginMs));
        server.sessionOpened(session);
        return session;
    }

    /** The served model this session's {@code model} names (the default when none), or null for an unknown name. */
    private String servedModel() {
        String m = config.model();
        if (m == null || m.isBlank() || (!names.serves(m) && m.equals(urlModel))) {
            // the URL's model names the realtime (conversation) model clients connect with, often a dated name
            // no alias lists: it means the default; only a transcription model the client sets must be served
            return names.served().get(0);
        }
        return names.resolve(m);
    }

    private RealtimeProtocolException modelNotFound(String model) {
        return new RealtimeProtocolException("model_not_found", "model", "The model '" + model
                + "' does not exist here; this server serves " + names.describe());
    }

    /** On the event loop: the model a session waited for is loaded (or failed); the waiting events go on. */
    private void modelLoaded(java.util.concurrent.CompletableFuture<EngineRegistry.Lease> f) {
        if (f != loading) {
            return;
        }
        loading = null;
        try {
            EngineRegistry.Lease l = f.join();
            if (gone || !ctx.channel().isActive()) {
                l.close();
                return;
            }
            lease = l;
        } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
            failedModel = servedModel();
            failedWhy = e.getCause() != null ? e.getCause().getMessage() : "Server models not initialized.";
        }
        if (!retryScheduled) {
            pump();
        }
    }

    private void closeSession() {
        TranscriptionSession s = session;
        if (s != null) {
            s.close();
            server.sessionClosed(s);
            session = null;
        }
        if (lease != null) {
            // the engine stays open while this session's last segments are still transcribed
            lease.closeWhenIdle(s == null ? () -> false : () -> s.outstanding() > 0);
            lease = null;
        }
        synchronized (this) {
            if (openItem != null) {
                interim.remove(openItem); // its speech will never be committed
                openItem = null;
            }
        }
    }

    @Override
    protected void sendError(ChannelHandlerContext ctx, String code, String message) {
        server.metrics().error(code);
        send(ctx, events.error("invalid_request_error", code, message, null, null));
    }

    @Override
    protected void onClose() {
        gone = true;
        backlog.clear();
        pendingAudio.clear();
        server.metrics().sessions().decrementAndGet();
        closeSession();
    }

    /** Speech events from the audio thread, results from inference workers. */
    private final class Listener implements SessionListener {

        private final boolean manual;
        private final long originMs;
        // segment ids restart with each shared session, so each listener keeps its own
        private final Map<Long, String> itemsBySegment = new HashMap<>();
        /** When each segment closed, for the latency every door records the same way. */
        private final Map<Long, Long> closedAt = new java.util.concurrent.ConcurrentHashMap<>();

        /**
         * @param manual   no turn detection: segments close only on the client's commit
         * @param originMs where this shared session's time 0 lies on the connection's time line
         */
        Listener(boolean manual, long originMs) {
            this.manual = manual;
            this.originMs = originMs;
        }

        @Override
        public void speechStarted(long audioStartMs) {
            synchronized (RealtimeTranscriptionHandler.this) {
                openItem = events.newItemId();
                openItemStartMs = originMs + audioStartMs;
                interim.put(openItem, new InterimTranscript());
                send(ctx, events.speechStarted(originMs + audioStartMs, openItem));
            }
        }

        @Override
        public void speechStopped(long audioEndMs) {
            synchronized (RealtimeTranscriptionHandler.this) {
                if (manual || openItem == null) {
                    // a manual commit: no speech events in the Realtime API, only committed
                    openItem = events.newItemId();
                    interim.put(openItem, new InterimTranscript());
                    return;
                }
                send(ctx, events.speechStopped(originMs + audioEndMs, openItem));
            }
        }

        @Override
        public void interim(long utteranceStartMs, String text, String settled) {
            synchronized (RealtimeTranscriptionHandler.this) {
                InterimTranscript t = openItem == null ? null : interim.get(openItem);
                if (t != null) {
                    String delta = t.onSettled(settled);
                    if (!delta.isEmpty()) {
                        send(ctx, events.transcriptionDelta(openItem, delta));
                    }
                }
            }
        }

        @Override
        public void segmentClosed(ClosedSegment segment) {
            server.metrics().segmentClosed();
            closedAt.put(segment.id(), System.nanoTime());
            synchronized (RealtimeTranscriptionHandler.this) {
                String item = openItem != null ? openItem : events.newItemId();
                interim.putIfAbsent(item, new InterimTranscript());
                openItem = null;
                itemsBySegment.put(segment.id(), item);
                send(ctx, events.committed(previousItem, item));
                previousItem = item;
            }
        }

        @Override
        public void transcribed(SegmentResult r) {
            Long t0 = closedAt.remove(r.segment().id());
            if (t0 != null) {
                server.metrics().latency(System.nanoTime() - t0);
            }
            synchronized (RealtimeTranscriptionHandler.this) {
                String item = itemsBySegment.remove(r.segment().id());
                InterimTranscript t = interim.remove(item);
                if (item == null || t == null) {
                    return;
                }
                String completed = t.complete(r.transcript().text());
                String last = t.finalDelta(completed);
                if (!last.isEmpty()) {
                    send(ctx, events.transcriptionDelta(item, last));
                }
                double seconds = (r.segment().endMs() - r.segment().startMs()) / 1000.0;
                send(ctx, events.transcriptionCompleted(item, completed, seconds));
            }
        }

        @Override
        public void failed(ClosedSegment segment, String reason) {
            closedAt.remove(segment.id());
            server.metrics().error("segment_failed");
            synchronized (RealtimeTranscriptionHandler.this) {
                String item = itemsBySegment.remove(segment.id());
                if (item != null) {
                    interim.remove(item);
                    send(ctx, events.transcriptionFailed(item, "transcription_failed", reason));
                }
            }
        }

        @Override
        public void rejected(String reason) {
            server.metrics().error("overloaded");
            send(ctx, events.error("server_error", "server_busy", reason, null, null));
        }
    }
}
