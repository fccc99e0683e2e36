package dev.stt.server.openai;

import dev.stt.audio.AudioFiles;
import dev.stt.audio.AudioFormatException;
import dev.stt.audio.AudioSource;
import dev.stt.audio.SampleRateException;
import dev.stt.audio.WavReader;
import dev.stt.engine.SttEngine;
import dev.stt.engine.Transcript;
import dev.stt.protocol.openai.InvalidRequestException;
import dev.stt.protocol.openai.OpenAiErrors;
import dev.stt.protocol.openai.TranscriptStreamEvents;
import dev.stt.protocol.openai.TranscriptionRequest;
import dev.stt.protocol.openai.TranscriptionResult;
import dev.stt.server.EngineRegistry;
import dev.stt.server.HttpResponses;
import dev.stt.server.ModelUnavailableException;
import dev.stt.server.HttpRoute;
import dev.stt.server.SttServer;
import dev.stt.session.Pipeline;
import dev.stt.server.InFlight;
import dev.stt.transcribe.FileTranscriber;
import dev.stt.transcribe.FileTranscript;
import dev.stt.transcribe.TranscriptionPolicy;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.multipart.Attribute;
import io.netty.handler.codec.http.multipart.DefaultHttpDataFactory;
import io.netty.handler.codec.http.multipart.FileUpload;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.netty.handler.codec.http.multipart.InterfaceHttpData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/audio/transcriptions} and {@code /v1/audio/translations}: OpenAI's multipart upload. The
 * form is read and checked on the event loop (into memory: the upload limit bounds it); on an inference
 * worker, {@link FileTranscriber} cuts and transcribes the file with the same policy as {@code stt
 * transcribe}, so both give the same text. With {@code stream=true} each piece goes out as a server-sent
 * event the moment it is transcribed.
 */
final class TranscriptionsRoute implements HttpRoute {

    private static final Logger log = LoggerFactory.getLogger(TranscriptionsRoute.class);

    /** The file and the checked fields of one request. */
    record Form(byte[] file, String fileName, TranscriptionRequest request) {
    }

    private final boolean translations;
    private final ModelNames models;

    /** @param translations the translations route: English text whatever the spoken language */
    TranscriptionsRoute(boolean translations, ModelNames models) {
        this.translations = translations;
        this.models = models;
    }

    @Override
    public void handle(SttServer server, ChannelHandlerContext ctx, FullHttpRequest req) {
        if (req.method() != HttpMethod.POST) {
            HttpResponses.json(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED,
                    OpenAiErrors.invalidRequest("use POST with a multipart/form-data body", null));
            return;
        }
        Form form;
        try {
            form = readForm(req, translations);
        } catch (InvalidRequestException e) {
            server.metrics().error("invalid_request");
            HttpResponses.json(ctx, req, HttpResponseStatus.BAD_REQUEST, e.json());
            return;
        } catch (IllegalArgumentException | HttpPostRequestDecoder.ErrorDataDecoderException
                 | HttpPostRequestDecoder.NotEnoughDataDecoderException e) {
            HttpResponses.json(ctx, req, HttpResponseStatus.BAD_REQUEST, OpenAiErrors.invalidRequest(e.getMessage(), null));
            return;
        } catch (IOException e) {
            HttpResponses.json(ctx, req, HttpResponseStatus.BAD_REQUEST, OpenAiErrors.invalidRequest("unreadable form: " + e.getMessage(), null));
            return;
        } catch (RuntimeException e) {
            // Netty's multipart decoder throws other runtime exceptions on junk bodies: still the client's input
            log.debug("unreadable form", e);
            HttpResponses.json(ctx, req, HttpResponseStatus.BAD_REQUEST, OpenAiErrors.invalidRequest("unreadable multipart/form-data body", null));
            return;
        }
        String model = form.request().model();
        if (model != null && !models.serves(model)) {
            HttpResponses.json(ctx, req, HttpResponseStatus.NOT_FOUND, OpenAiErrors.json("The model '" + model
                    + "' does not exist here; this server serves " + models.describe(), "invalid_request_error", "model", "model_not_found"));
            return;
        }
        String served = model == null ? models.served().get(0) : models.resolve(model);
        FullHttpRequest head = new DefaultFullHttpRequest(req.protocolVersion(), req.method(), req.uri());
        HttpUtil.setKeepAlive(head, HttpUtil.isKeepAlive(req));
        java.util.concurrent.CompletableFuture<EngineRegistry.Lease> lease = server.engines().acquire(served);
        if (lease.isDone()) {
            withModel(server, ctx, head, form, lease);
            return;
        }
        // a model not loaded yet: the request waits for its load, the connection's silence is our work
        Channel ch = ctx.channel();
        InFlight.begin(ch);
        lease.whenComplete((l, e) -> ctx.executor().execute(() -> {
            InFlight.end(ch);
            withModel(server, ctx, head, form, lease);
        }));
    }

    /** On the event loop, once the model is there (or failed): checks what depends on it, then transcribes. */
    private void withModel(SttServer server, ChannelHandlerContext ctx, FullHttpRequest req, Form form,
                           java.util.concurrent.CompletableFuture<EngineRegistry.Lease> pending) {
        EngineRegistry.Lease lease;
        try {
            lease = pending.join();
        } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
            server.metrics().error("not_ready");
            String why = e.getCause() instanceof ModelUnavailableException m ? m.getMessage() : "Server models not initialized.";
            HttpResponses.json(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE,
                    OpenAiErrors.json(why, "server_error", null, "models_not_ready"));
            return;
        }
        if (!ctx.channel().isActive()) {
            lease.close();
            return;
        }
        Pipeline pipeline = lease.pipeline();
        String language = form.request().language();
        if (language != null && !pipeline.engine().languages().isEmpty() && !pipeline.engine().languages().contains(language)) {
            lease.close();
            HttpResponses.json(ctx, req, HttpResponseStatus.BAD_REQUEST, OpenAiErrors.invalidRequest("language '" + language
                    + "' is not one " + pipeline.engine().model() + " transcribes; it knows " + String.join(", ",
                    pipeline.engine().languages().stream().sorted().toList()), "language"));
            return;
        }
        String refused = audioLimits(server, form);
        if (refused != null) {
            lease.close();
            server.metrics().error("invalid_audio");
            HttpResponses.json(ctx, req, HttpResponseStatus.BAD_REQUEST, OpenAiErrors.invalidRequest(refused, "file"));
            return;
        }
        FullHttpRequest head = new DefaultFullHttpRequest(req.protocolVersion(), req.method(), req.uri());
        HttpUtil.setKeepAlive(head, HttpUtil.isKeepAlive(req));
        Channel ch = ctx.channel();
        InFlight.begin(ch); // until the answer is written, the connection's silence is our work, not idleness
        try {
            server.inference().submit(() -> {
                try {
                    answer(server, pipeline, ctx, head, form);
                } finally {
                    lease.close(); // the engine ran for this request on this thread, and is done
                }
            });
        } catch (RejectedExecutionException e) {
            lease.close();
            InFlight.end(ch);
            server.metrics().error("overloaded");
            HttpResponses.json(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE,
                    OpenAiErrors.json("server busy: the inference queue is full; retry later", "server_error", null, "server_busy"));
        }
    }

    /** On an inference worker: transcribes and answers, whole or as a stream of events; every request is answered. */
    private static void answer(SttServer server, Pipeline pipeline, ChannelHandlerContext ctx, FullHttpRequest head, Form form) {
        TranscriptionRequest r = form.request();
        SseStream stream = r.stream() ? new SseStream(ctx, head) : null;
        ChannelFuture answered = null;
        try {
            FileTranscript t = transcribe(pipeline, form, server.config().maxAudioSeconds(), piece -> {
                if (!ctx.channel().isActive()) {
                    throw new ClientGone(); // nobody is waiting for the rest: free the worker
                }
                server.metrics().segmentClosed();
                if (stream != null) {
                    stream.piece(piece);
                }
            });
            server.metrics().audio(t.durationSeconds());
            TranscriptionResult result = TranscriptionResult.of(t, languageOf(t, pipeline.engine()), r.translate());
            answered = stream != null ? stream.done(result)
                    : HttpResponses.send(ctx, head, HttpResponseStatus.OK, r.format().contentType(), r.format().render(result, r.words()));
        } catch (ClientGone e) {
            log.debug("client of {} left before its answer; transcription stopped", form.fileName());
        } catch (AudioFormatException e) {
            server.metrics().error("invalid_audio");
            answered = fail(ctx, head, stream, HttpResponseStatus.BAD_REQUEST, OpenAiErrors.invalidRequest(
                    "could not read audio file '" + form.fileName() + "': " + e.getMessage(), "file"));
        } catch (Throwable e) {
            // every request is answered, whatever broke; an OutOfMemoryError ends the process
            // (-XX:+ExitOnOutOfMemoryError) before it gets here, where the launcher and images set it
            server.metrics().error("internal");
            log.warn("transcription of {} failed", form.fileName(), e);
            String why = (e instanceof RuntimeException || e instanceof IOException) && e.getMessage() != null
                    ? e.getMessage() : "internal server error";
            answered = fail(ctx, head, stream, HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    OpenAiErrors.json("transcription failed: " + why, "server_error", null, null));
            if (e instanceof VirtualMachineError vm) {
                throw vm;
            }
        } finally {
            InFlight.endAfter(ctx.channel(), answered);
        }
    }

    /**
     * Why a WAV upload is refused by its header alone (rate, length), or null: checked on the event loop,
     * before a sample is decoded or resampled. Other containers declare their length to the decoder, and
     * {@link FileTranscriber} refuses them from it, or as soon as reading passes the limit.
     */
    static String audioLimits(SttServer server, Form form) {
        byte[] b = form.file();
        if (b.length < 4 || b[0] != 'R' || b[1] != 'I' || b[2] != 'F' || b[3] != 'F') {
            return null;
        }
        WavReader.Header h;
        try {
            h = WavReader.header(b);
        } catch (SampleRateException e) {
            return "could not read audio file '" + form.fileName() + "': " + e.getMessage();
        } catch (AudioFormatException e) {
            return null; // a WAV codec the Java reader does not know (ADPCM, GSM) may still be one FFmpeg decodes
        }
        int max = server.config().maxAudioSeconds();
        if (h.durationSeconds() > max) {
            return String.format(java.util.Locale.ROOT, "audio file '%s' is %.1f s long, over this server's limit of %d s "
                    + "(STT_MAX_AUDIO_SECONDS)", form.fileName(), h.durationSeconds(), max);
        }
        return null;
    }

    private static ChannelFuture fail(ChannelHandlerContext ctx, FullHttpRequest head, SseStream stream, HttpResponseStatus status, String json) {
        return stream != null && stream.started() ? stream.error(json) : HttpResponses.json(ctx, head, status, json);
    }

    /** The connection closed while its upload was being transcribed. */
    private static final class ClientGone extends RuntimeException {
        ClientGone() {
            super(null, null, false, false);
        }
    }

    /** The language given, else detected, else the one language an English-only model speaks. */
    private static String languageOf(FileTranscript t, SttEngine engine) {
        if (t.language() != null) {
            return t.language();
        }
        return engine.languages().size() == 1 ? engine.languages().iterator().next() : null;
    }

    /** The file as {@code stt transcribe} reads it: the one offline policy, with the request's language and prompt. */
    static FileTranscript transcribe(Pipeline pipeline, Form form, double maxAudioSeconds, java.util.function.Consumer<Transcript> onPiece)
            throws IOException {
        TranscriptionRequest r = form.request();
        TranscriptionPolicy policy = TranscriptionPolicy.DEFAULTS.withMaxAudioSeconds(maxAudioSeconds).withTranscribe(TranscriptionPolicy.DEFAULTS.transcribe()
                .withLanguage(r.language()).withPrompt(r.prompt()).withTimestamps(r.words() || r.format().wantsWordTimes())
                // an English-only model has no translate task: English speech is its own translation
                .withTranslate(r.translate() && pipeline.engine().translates()));
        if (r.stream()) {
            // a piece per engine call, so the first delta leaves as soon as the first piece is heard
            policy = policy.withPiecesPerCall(1);
        }
        try (AudioSource audio = AudioFiles.open(form.file(), form.fileName())) {
            return new FileTranscriber(pipeline.engine(), pipeline.vad(), policy).transcribe(audio, onPiece);
        }
    }

    static Form readForm(FullHttpRequest req, boolean translations) throws IOException {
        // in memory, but tracked per request: a body that fails half-way through parsing leaves buffers that
        // only the factory knows about (the decoder's destroy() never runs when its constructor throws)
        DefaultHttpDataFactory factory = new DefaultHttpDataFactory(Long.MAX_VALUE);
        HttpPostRequestDecoder decoder;
        try {
            decoder = new HttpPostRequestDecoder(factory, req);
        } catch (RuntimeException e) {
            factory.cleanRequestHttpData(req);
            throw e;
        }
        try {
            Map<String, String> fields = new HashMap<>();
            List<String> granularities = new ArrayList<>();
            byte[] file = null;
            String fileName = null;
            for (InterfaceHttpData d : decoder.getBodyHttpDatas()) {
                if (d instanceof FileUpload f && "file".equals(f.getName())) {
                    file = f.get();
                    fileName = f.getFilename();
                } else if (d instanceof Attribute a) {
                    if (a.getName().startsWith("timestamp_granularities")) {
                        granularities.add(a.getValue());
                    } else {
                        fields.put(a.getName(), a.getValue());
                    }
                }
            }
            if (file == null) {
                throw new InvalidRequestException("file", "'file' is required: a multipart file field with the audio");
            }
            return new Form(file, fileName, TranscriptionRequest.parse(fields, granularities, translations));
        } finally {
            decoder.destroy();
        }
    }

    /**
     * One streamed answer: the status line and headers go out with the first event, chunked; each piece
     * that said something is a {@code transcript.text.delta}; the deltas, joined by single spaces, are the
     * {@code transcript.text.done} text.
     */
    private static final class SseStream {
        private final ChannelHandlerContext ctx;
        private final FullHttpRequest head;
        private boolean started;
        private boolean anyText;

        SseStream(ChannelHandlerContext ctx, FullHttpRequest head) {
            this.ctx = ctx;
            this.head = head;
        }

        boolean started() {
            return started;
        }

        void piece(Transcript t) {
            String text = t.text().strip();
            if (text.isEmpty()) {
                return;
            }
            write(TranscriptStreamEvents.delta(anyText ? " " + text : text));
            anyText = true;
        }

        ChannelFuture done(TranscriptionResult result) {
            write(TranscriptStreamEvents.done(result.text(), result.durationSeconds()));
            return end();
        }

        ChannelFuture error(String json) {
            write(TranscriptStreamEvents.error(json));
            return end();
        }

        private void write(String event) {
            if (!started) {
                started = true;
                HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                res.headers().set(HttpHeaderNames.CONTENT_TYPE, TranscriptStreamEvents.CONTENT_TYPE);
                res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
                HttpUtil.setTransferEncodingChunked(res, true);
                if (HttpUtil.isKeepAlive(head)) {
                    res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                }
                ctx.write(res);
            }
            ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(event, StandardCharsets.UTF_8)));
        }

        private ChannelFuture end() {
            ChannelFuture f = ctx.writeAndFlush(new DefaultLastHttpContent());
            if (!HttpUtil.isKeepAlive(head)) {
                f.addListener(ChannelFutureListener.CLOSE);
            }
            return f;
        }
    }
}
