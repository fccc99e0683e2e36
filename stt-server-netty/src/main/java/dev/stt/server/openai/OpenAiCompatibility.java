package dev.stt.server.openai;

import dev.stt.protocol.openai.OpenAiErrors;
import dev.stt.protocol.openai.OpenAiModelList;
import dev.stt.protocol.openai.RealtimeClientEvents;
import dev.stt.server.HttpResponses;
import dev.stt.server.ServerConfig;
import dev.stt.server.WebSocketDoor;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import dev.stt.server.SttServer;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.util.List;

/**
 * Puts the OpenAI-compatible doors on a server: Realtime transcription sessions at {@code /v1/realtime},
 * {@code POST /v1/audio/transcriptions} and {@code /translations}, {@code GET /v1/models[/{id}]}; and, when configured, TLS and API-key
 * authentication on every connection.
 */
public final class OpenAiCompatibility {

    private static final Logger log = LoggerFactory.getLogger(OpenAiCompatibility.class);

    private OpenAiCompatibility() {
    }

    /** Call before {@link SttServer#start()}. */
    public static SttServer install(SttServer server, OpenAiOptions options) throws SSLException {
        server.door("/v1/realtime", new WebSocketDoor() {
            @Override
            public ChannelHandler open(SttServer s, FullHttpRequest upgrade) {
                return new RealtimeTranscriptionHandler(s, options, upgrade);
            }

            @Override
            public int maxMessageBytes(ServerConfig config) {
                // one append may carry 15 MiB of audio (20 MiB of base64), more than the general message limit
                return Math.max(config.maxMessageBytes(), RealtimeClientEvents.MAX_FRAME_CHARS);
            }
        });
        ModelNames names = options.modelNames(server.config().models());
        server.route("/v1/audio/transcriptions", new TranscriptionsRoute(false, names));
        server.route("/v1/audio/translations", new TranscriptionsRoute(true, names));
        long created = System.currentTimeMillis() / 1000;
        server.route("/v1/models", (s, ctx, req) -> {
            if (req.method() != HttpMethod.GET) {
                HttpResponses.json(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, OpenAiErrors.invalidRequest("use GET", null));
            } else {
                HttpResponses.json(ctx, req, HttpResponseStatus.OK, OpenAiModelList.json(names.served(), created));
            }
        });
        server.route("/v1/models/", (s, ctx, req) -> {
            String id = QueryStringDecoder.decodeComponent(new QueryStringDecoder(req.uri()).path().substring("/v1/models/".length()));
            if (req.method() != HttpMethod.GET) {
                HttpResponses.json(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, OpenAiErrors.invalidRequest("use GET", null));
            } else if (!names.serves(id)) {
                HttpResponses.json(ctx, req, HttpResponseStatus.NOT_FOUND, OpenAiErrors.json("The model '" + id
                        + "' does not exist here; this server serves " + names.describe(), "invalid_request_error", "model", "model_not_found"));
            } else {
                HttpResponses.json(ctx, req, HttpResponseStatus.OK, OpenAiModelList.model(id, created));
            }
        });
        SslContext tls = options.tls()
                ? SslContextBuilder.forServer(options.tlsCert().toFile(), options.tlsKey().toFile()).build() : null;
        String apiKey = options.apiKey();
        int maxUpload = server.config().maxUploadBytes();
        if (tls != null) {
            server.secure();
        }
        server.onConnection(p -> {
            if (tls != null) {
                p.addFirst("tls", tls.newHandler(p.channel().alloc()));
            }
            if (apiKey != null) {
                p.addBefore("aggregate", "api-key", new ApiKeyGuard(apiKey));
            }
            p.addBefore("aggregate", "upload-limit", new UploadLimit(maxUpload));
        });
        log.info("OpenAI-compatible API on /v1 (TLS {}, API key {})", tls != null ? "on" : "off", apiKey != null ? "required" : "off");
        return server;
    }
}
