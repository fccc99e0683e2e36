package dev.stt.server.openai;

import dev.stt.audio.AudioFiles;
import dev.stt.audio.AudioFormatException;
import dev.stt.audio.AudioSource;
import dev.stt.protocol.openai.OpenAiErrors;
import dev.stt.protocol.openai.TranscriptionResponseFormat;
import dev.stt.protocol.openai.TranscriptionResult;
import dev.stt.server.HttpResponses;
import dev.stt.server.HttpRoute;
import dev.stt.server.SttServer;
import dev.stt.session.Pipeline;
import dev.stt.transcribe.FileTranscriber;
import dev.stt.transcribe.TranscriptionPolicy;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.multipart.Attribute;
import io.netty.handler.codec.http.multipart.DefaultHttpDataFactory;
import io.netty.handler.codec.http.multipart.FileUpload;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.netty.handler.codec.http.multipart.InterfaceHttpData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;

/**
 * {@code POST /v1/audio/transcriptions}: OpenAI's multipart upload. The form is read on the event loop
 * (into memory: the upload limit bounds it); on an inference worker, {@link FileTranscriber} cuts and
 * transcribes the file with the same policy as {@code stt transcribe}, so both give the same text.
 */
final class TranscriptionsRoute implements HttpRoute {

    private static final Logger log = LoggerFactory.getLogger(TranscriptionsRoute.class);

    /** The form fields this route reads; {@code file} is required. */
    record Form(byte[] file, String fileName, String model, String language, String prompt,
                TranscriptionResponseFormat format, boolean words) {
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
            form = readForm(req);
        } catch (IllegalArgumentException | HttpPostRequestDecoder.ErrorDataDecoderException
                 | HttpPostRequestDecoder.NotEnoughDataDecoderException e) {
            HttpResponses.json(ctx, req, HttpResponseStatus.BAD_REQUEST, OpenAiErrors.invalidRequest(e.getMessage(), paramOf(e)));
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
        Pipeline pipeline = server.models().pipeline();
        if (pipeline == null) {
            HttpResponses.json(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE,
                    OpenAiErrors.json("Server models not initialized.", "server_error", null, "models_not_ready"));
            return;
        }
        boolean keepAliveReq = io.netty.handler.codec.http.HttpUtil.isKeepAlive(req);
        FullHttpRequest head = new io.netty.handler.codec.http.DefaultFullHttpRequest(req.protocolVersion(), req.method(), req.uri());
        io.netty.handler.codec.http.HttpUtil.setKeepAlive(head, keepAliveReq);
        try {
            server.inference().submit(() -> {
                try {
                    TranscriptionResult result = transcribe(pipeline, form);
                    server.metrics().audio(result.durationSeconds());
                    HttpResponses.send(ctx, head, HttpResponseStatus.OK, form.format().contentType(),
                            form.format().render(result, form.words()));
                } catch (AudioFormatException e) {
                    HttpResponses.json(ctx, head, HttpResponseStatus.BAD_REQUEST, OpenAiErrors.invalidRequest(
                            "could not read audio file '" + form.fileName() + "': " + e.getMessage()
                                    + " (this server reads WAV files, PCM16)", "file"));
                } catch (IOException | RuntimeException e) {
                    log.warn("transcription of {} failed", form.fileName(), e);
                    HttpResponses.json(ctx, head, HttpResponseStatus.INTERNAL_SERVER_ERROR,
                            OpenAiErrors.json("transcription failed: " + e.getMessage(), "server_error", null, null));
                }
            });
        } catch (RejectedExecutionException e) {
            server.metrics().error("overloaded");
            HttpResponses.json(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE,
                    OpenAiErrors.json("server busy: the inference queue is full; retry later", "server_error", null, "server_busy"));
        }
    }

    private static String paramOf(Exception e) {
        return e.getMessage() != null && e.getMessage().startsWith("'file'") ? "file" : null;
    }

    static Form readForm(FullHttpRequest req) throws IOException {
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
                throw new IllegalArgumentException("'file' is required: a multipart file field with the audio");
            }
            for (String g : granularities) {
                if (!g.equals("word") && !g.equals("segment")) {
                    throw new IllegalArgumentException("timestamp_granularities[] must be 'word' or 'segment', got '" + g + "'");
                }
            }
            TranscriptionResponseFormat format = TranscriptionResponseFormat.fromWireName(fields.get("response_format"));
            return new Form(file, fileName, fields.get("model"), blankToNull(fields.get("language")),
                    blankToNull(fields.get("prompt")), format, granularities.contains("word"));
        } finally {
            decoder.destroy();
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** The file as {@code stt transcribe} reads it: the one offline policy, with the request's language and prompt. */
    static TranscriptionResult transcribe(Pipeline pipeline, Form form) throws IOException {
        TranscriptionPolicy policy = TranscriptionPolicy.DEFAULTS.withTranscribe(TranscriptionPolicy.DEFAULTS.transcribe()
                .withLanguage(form.language()).withPrompt(form.prompt()).withTimestamps(form.words()));
        try (AudioSource audio = AudioFiles.open(form.file(), form.fileName())) {
            return TranscriptionResult.of(new FileTranscriber(pipeline.engine(), pipeline.vad(), policy).transcribe(audio));
        }
    }
}
