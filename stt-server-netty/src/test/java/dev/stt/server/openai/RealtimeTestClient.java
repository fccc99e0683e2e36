package dev.stt.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stt.protocol.client.WholeTextMessages;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A plain JDK WebSocket client for the Realtime door, with the headers and subprotocols SDKs send. */
final class RealtimeTestClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    private final WebSocket ws;

    RealtimeTestClient(String url, Map<String, String> headers, String... subprotocols) throws Exception {
        WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder();
        headers.forEach(b::header);
        if (subprotocols.length > 0) {
            b.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        ws = b.buildAsync(URI.create(url), new WholeTextMessages(text -> {
            try {
                received.add(JSON.readTree(text));
            } catch (Exception e) {
                throw new IllegalStateException("server sent invalid JSON: " + text, e);
            }
        })).get(10, TimeUnit.SECONDS);
    }

    void send(String json) {
        ws.sendText(json, true).join();
    }

    void sendBinary(byte[] b) {
        ws.sendBinary(java.nio.ByteBuffer.wrap(b), true).join();
    }

    JsonNode next() throws InterruptedException {
        JsonNode m = received.poll(20, TimeUnit.SECONDS);
        if (m == null) {
            throw new AssertionError("no event from the server within 20 s");
        }
        return m;
    }

    /** The next event of {@code type}, skipping others. */
    JsonNode next(String type) throws InterruptedException {
        while (true) {
            JsonNode m = next();
            if (m.path("type").asText().equals(type)) {
                return m;
            }
        }
    }

    /** Drops the TCP connection without a close handshake, as a crashed client would. */
    void abort() {
        ws.abort();
    }

    @Override
    public void close() {
        try {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            ws.abort();
        }
    }
}
