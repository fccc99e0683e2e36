package dev.stt.server.openai;

import dev.stt.server.ServerConfig;
import dev.stt.server.SttServer;

import java.util.concurrent.TimeUnit;

/** A real server whose models never load: enough for authentication, TLS and protocol-error tests. */
final class NoModelServer {

    private NoModelServer() {
    }

    /** @param maxMessageBytes the limit of a WebSocket message and of an HTTP upload alike */
    static SttServer start(OpenAiOptions options, int maxMessageBytes) throws Exception {
        ServerConfig c = ServerConfig.defaults().withHost("127.0.0.1").withPort(0).withWorkers(1)
                .withLimits(8, maxMessageBytes, 60, 4, 8).toBuilder().maxUploadBytes(maxMessageBytes).build();
        SttServer s = OpenAiCompatibility.install(new SttServer(c, () -> {
            throw new IllegalStateException("no models in this test");
        }), options).start();
        s.models().loaded().get(10, TimeUnit.SECONDS);
        return s;
    }
}
