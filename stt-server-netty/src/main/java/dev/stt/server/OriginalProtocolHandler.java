package dev.stt.server;

import dev.stt.audio.AudioFormatException;
import dev.stt.audio.Pcm16;
import dev.stt.protocol.ProtocolException;
import dev.stt.protocol.InterimTranscript;
import dev.stt.protocol.original.ClientMessage;
import dev.stt.protocol.original.OriginalProtocol;
import dev.stt.session.ClosedSegment;
import dev.stt.session.Pipeline;
import dev.stt.session.SegmentResult;
import dev.stt.session.SessionConfig;
import dev.stt.session.SessionListener;
import dev.stt.session.TranscriptionSession;
import io.netty.channel.ChannelHandlerContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The original service's protocol at {@code /} and {@code /ws}: appends in, one
 * {@code response.audio_transcript.done} per closed segment out, in order.
 */
final class OriginalProtocolHandler extends WebSocketSessionHandler {

    private TranscriptionSession session;
    private ChannelHandlerContext ctx;
    private int lastRate = OriginalProtocol.DEFAULT_SAMPLE_RATE;
    private volatile boolean echoAudio = true;
    private boolean interimResults;
    private volatile boolean words;
    /** The deltas of the open utterance, under {@code this}: they only append, like the Realtime door's. */
    private InterimTranscript interim;
    private final Map<Long, Long> closedAt = new ConcurrentHashMap<>();

    OriginalProtocolHandler(SttServer server) {
        super(server);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        server.metrics().sessions().incrementAndGet();
    }

    @Override
    protected void onText(ChannelHandlerContext ctx, String text) {
        ClientMessage m;
        try {
            m = OriginalProtocol.parse(text);
        } catch (ProtocolException e) {
            sendError(ctx, e.code(), e.getMessage());
            return;
        }
        switch (m) {
            case ClientMessage.Append a -> {
                lastRate = a.sampleRate();
                append(ctx, a.pcm(), a.sampleRate());
            }
            case ClientMessage.Commit c -> {
                TranscriptionSession s = session(ctx);
                if (s != null) {
                    s.commit();
                }
            }
            case ClientMessage.Clear c -> {
                TranscriptionSession s = session(ctx);
                if (s != null) {
                    s.clear();
                }
            }
            case ClientMessage.SessionUpdate u -> {
                if (u.echoAudio() != null) {
                    echoAudio = u.echoAudio();
                }
                if (u.words() != null) {
                    words = u.words();
                    if (session != null) {
                        session.wordTimestamps(words);
                    }
                }
                if (u.interimResults() != null) {
                    interimResults = u.interimResults();
                    if (session != null) {
                        session.interimIntervalMs(interimResults ? SessionConfig.DEFAULT_INTERIM_MS : 0);
                    }
                }
            }
        }
    }

    @Override
    protected void onBinary(ChannelHandlerContext ctx, byte[] data) {
        // binary frames are raw PCM16 at the rate of the last JSON append (16 kHz before any)
        append(ctx, data, lastRate);
    }

    private void append(ChannelHandlerContext ctx, byte[] pcm, int rate) {
        TranscriptionSession s = session(ctx);
        if (s == null) {
            return;
        }
        try {
            if (s.appendPcm16(pcm, rate)) {
                server.metrics().audio(pcm.length / 2.0 / rate);
            }
        } catch (AudioFormatException e) {
            sendError(ctx, "invalid_audio", e.getMessage());
        }
    }

    /** The session, opened on first use; null (and the client told) while the models are not loaded. */
    private TranscriptionSession session(ChannelHandlerContext ctx) {
        if (session != null) {
            return session;
        }
        Pipeline pipeline = server.models().pipeline();
        if (pipeline == null) {
            server.metrics().error("not_ready");
            send(ctx, OriginalProtocol.error(OriginalProtocol.MODELS_NOT_INITIALIZED));
            return null;
        }
        SessionConfig base = server.sessionConfig();
        session = pipeline.open(base.withInterimIntervalMs(interimResults ? SessionConfig.DEFAULT_INTERIM_MS : 0)
                .withTranscribe(base.transcribe().withTimestamps(words)), new Listener());
        server.sessionOpened(session);
        return session;
    }

    @Override
    protected void sendError(ChannelHandlerContext ctx, String code, String message) {
        server.metrics().error(code);
        send(ctx, OriginalProtocol.error(message));
    }

    @Override
    protected boolean owesClient() {
        TranscriptionSession s = session;
        return s != null && s.outstanding() > 0;
    }

    @Override
    protected void onClose() {
        server.metrics().sessions().decrementAndGet();
        if (session != null) {
            session.close();
            server.sessionClosed(session);
        }
    }

    /** Results come from worker threads; Netty's writeAndFlush hands them to the event loop. */
    private final class Listener implements SessionListener {

        @Override
        public void speechStarted(long audioStartMs) {
            synchronized (OriginalProtocolHandler.this) {
                interim = new InterimTranscript();
            }
        }

        @Override
        public void interim(long utteranceStartMs, String text, String settled) {
            synchronized (OriginalProtocolHandler.this) {
                String delta = interim == null ? "" : interim.onSettled(settled);
                if (!delta.isEmpty()) {
                    send(ctx, OriginalProtocol.transcriptDelta(delta, utteranceStartMs));
                }
            }
        }

        @Override
        public void segmentClosed(ClosedSegment segment) {
            synchronized (OriginalProtocolHandler.this) {
                interim = null;
            }
            server.metrics().segmentClosed();
            closedAt.put(segment.id(), System.nanoTime());
        }

        @Override
        public void committed(long lastSegmentId) {
            send(ctx, OriginalProtocol.committed(lastSegmentId));
        }

        @Override
        public void transcribed(SegmentResult r) {
            Long t0 = closedAt.remove(r.segment().id());
            if (t0 != null) {
                server.metrics().latency(System.nanoTime() - t0);
            }
            ClosedSegment s = r.segment();
            send(ctx, OriginalProtocol.transcriptDone(r.transcript().text(), echoAudio ? Pcm16.encode(s.samples()) : null,
                    s.id(), s.startMs(), s.endMs(), words ? r.transcript().words() : null));
        }

        @Override
        public void failed(ClosedSegment segment, String reason) {
            closedAt.remove(segment.id());
            server.metrics().error("segment_failed");
            send(ctx, OriginalProtocol.segmentError(reason, segment.id()));
        }

        @Override
        public void rejected(String reason) {
            server.metrics().error("overloaded");
            send(ctx, OriginalProtocol.error(reason));
        }
    }

}
