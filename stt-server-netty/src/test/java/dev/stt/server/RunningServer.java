package dev.stt.server;

import dev.stt.testkit.WsTestClient;
import dev.stt.engine.Device;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;

/** A real server on a free loopback port, for tests that talk to it over real sockets. */
final class RunningServer implements AutoCloseable {

    final SttServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    private RunningServer(SttServer server) {
        this.server = server;
    }

    /** Loopback, a free port, CPU, two inference workers: what a 2-core CI machine can carry. */
    static ServerConfig testConfig() {
        return ServerConfig.defaults().withHost("127.0.0.1").withPort(0).withDevice(Device.CPU).withWorkers(2).withIntraThreads(1);
    }

    static RunningServer start(ServerConfig config, ModelLoader loader) throws InterruptedException {
        return new RunningServer(new SttServer(config, loader).start());
    }

    /** A server with the real Silero VAD and Moonshine engine, ready to transcribe. */
    static RunningServer withRealModels(ServerConfig config) throws Exception {
        RunningServer s = start(config, SttServer.defaultLoader(config));
        s.server.models().loaded().get(WsTestClient.TIMEOUT_S, TimeUnit.SECONDS);
        if (!s.server.models().ready()) {
            s.close();
            throw new IllegalStateException("models failed to load: " + s.server.models().failure());
        }
        return s;
    }

    String ws(String path) {
        return "ws://127.0.0.1:" + server.port() + path;
    }

    WsTestClient connect() throws Exception {
        return WsTestClient.connect(ws("/"));
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        server.shutdown();
    }
}
