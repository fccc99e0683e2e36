package dev.stt.server.openai;

import dev.stt.audio.AudioClip;
import dev.stt.audio.AudioFormatException;
import dev.stt.audio.WavReader;
import dev.stt.engine.SttEngine;
import dev.stt.engine.TimedText;
import dev.stt.engine.TranscribeOptions;
import dev.stt.engine.Transcript;
import dev.stt.engine.WordTiming;
import dev.stt.protocol.openai.OpenAiErrors;
import dev.stt.protocol.openai.TranscriptionResponseFormat;
import dev.stt.protocol.openai.TranscriptionResult;
import dev.stt.segment.SegmenterEvent;
import dev.stt.segment.SpeechSegment;
import dev.stt.segment.SpeechSegmenter;
import dev.stt.server.HttpResponses;
import dev.stt.server.HttpRoute;
import dev.stt.server.SttServer;
import dev.stt.session.Pipeline;
import dev.stt.server.InFlight;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
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
 * (into memory: the upload limit bounds it); the file is cut by the VAD and transcribed segment by
 * segment on an inference worker, so a long file never reaches the engine whole.
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
        String refused = audioLimits(server, form);
        if (refused != null) {
            server.metrics().error("invalid_audio");
            HttpResponses.json(ctx, req, HttpResponseStatus.BAD_REQUEST, OpenAiErrors.invalidRequest(refused, "file"));
            return;
        }
        boolean keepAliveReq = io.netty.handler.codec.http.HttpUtil.isKeepAlive(req);
        FullHttpRequest head = new io.netty.handler.codec.http.DefaultFullHttpRequest(req.protocolVersion(), req.method(), req.uri());
        io.netty.handler.codec.http.HttpUtil.setKeepAlive(head, keepAliveReq);
        Channel ch = ctx.channel();
        InFlight.begin(ch); // until the answer is written, the connection's silence is our work, not idleness
        try {
            server.inference().submit(() -> {
                ChannelFuture answered = null;
                try {
                    TranscriptionResult result = transcribe(pipeline, server, form);
                    server.metrics().audio(result.durationSeconds());
                    answered = HttpResponses.send(ctx, head, HttpResponseStatus.OK, form.format().contentType(),
                            form.format().render(result, form.words()));
                } catch (AudioFormatException e) {
                    server.metrics().error("invalid_audio");
                    answered = HttpResponses.json(ctx, head, HttpResponseStatus.BAD_REQUEST, OpenAiErrors.invalidRequest(
                            "could not read audio file '" + form.fileName() + "': " + e.getMessage()
                                    + " (this server reads WAV files, PCM16)", "file"));
                } catch (Throwable e) {
                    // every request is answered, whatever broke; an OutOfMemoryError ends the process
                    // (-XX:+ExitOnOutOfMemoryError) before it gets here, where the launcher and images set it
                    server.metrics().error("internal");
                    log.warn("transcription of {} failed", form.fileName(), e);
                    String why = e instanceof RuntimeException && e.getMessage() != null ? e.getMessage() : "internal server error";
                    answered = HttpResponses.json(ctx, head, HttpResponseStatus.INTERNAL_SERVER_ERROR,
                            OpenAiErrors.json("transcription failed: " + why, "server_error", null, null));
                    if (e instanceof VirtualMachineError vm) {
                        throw vm;
                    }
                } finally {
                    InFlight.endAfter(ch, answered);
                }
            });
        } catch (RejectedExecutionException e) {
            InFlight.end(ch);
            server.metrics().error("overloaded");
            HttpResponses.json(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE,
                    OpenAiErrors.json("server busy: the inference queue is full; retry later", "server_error", null, "server_busy"));
        }
    }

    /**
     * Why a WAV upload is refused by its header alone (rate, length), or null: checked on the event loop,
     * before a sample is decoded or resampled. Other containers are left to the decoder.
     */
    static String audioLimits(SttServer server, Form form) {
        byte[] b = form.file();
        if (b.length < 4 || b[0] != 'R' || b[1] != 'I' || b[2] != 'F' || b[3] != 'F') {
            return null;
        }
        WavReader.Header h;
        try {
            h = WavReader.header(b);
        } catch (AudioFormatException e) {
            return "could not read audio file '" + form.fileName() + "': " + e.getMessage() + " (this server reads WAV files, PCM16)";
        }
        int max = server.config().maxAudioSeconds();
        if (h.durationSeconds() > max) {
            return String.format(java.util.Locale.ROOT, "audio file '%s' is %.1f s long, over this server's limit of %d s "
                    + "(STT_MAX_AUDIO_SECONDS)", form.fileName(), h.durationSeconds(), max);
        }
        return null;
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

    static TranscriptionResult transcribe(Pipeline pipeline, SttServer server, Form form) throws AudioFormatException {
        AudioClip clip = WavReader.read(form.file());
        float[] samples = clip.toMono16k();
        TranscribeOptions options = server.sessionConfig().transcribe()
                .withLanguage(form.language()).withPrompt(form.prompt()).withTimestamps(form.words());
        List<SpeechSegment> speech = new ArrayList<>();
        try (SpeechSegmenter segmenter = pipeline.vad().open(SttEngine.SAMPLE_RATE, server.config().vad())) {
            for (SegmenterEvent e : concat(segmenter.accept(samples), segmenter.flush())) {
                if (e instanceof SegmenterEvent.SegmentClosed c) {
                    speech.add(c.segment());
                }
            }
        }
        List<TimedText> segments = new ArrayList<>();
        List<WordTiming> words = new ArrayList<>();
        String language = form.language();
        StringBuilder text = new StringBuilder();
        for (SpeechSegment s : speech) {
            Transcript t = pipeline.engine().transcribe(s.samples(), options).shiftedBy(s.startSeconds());
            String said = t.text().strip();
            if (said.isEmpty()) {
                continue;
            }
            if (language == null) {
                language = t.language();
            }
            text.append(text.isEmpty() ? "" : " ").append(said);
            segments.add(new TimedText(said, s.startSeconds(), s.endSeconds()));
            words.addAll(t.words());
        }
        return new TranscriptionResult(text.toString(), language, clip.durationSeconds(), segments, words);
    }

    private static List<SegmenterEvent> concat(List<SegmenterEvent> a, List<SegmenterEvent> b) {
        List<SegmenterEvent> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
