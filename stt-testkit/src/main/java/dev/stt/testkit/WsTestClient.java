package dev.stt.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stt.audio.Pcm16;
import dev.stt.protocol.client.WholeTextMessages;
import dev.stt.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real WebSocket client (the JDK's), as an independent implementation of the other end: every
 * server message is parsed and queued for the test to take in order. Speaks the original protocol's appends;
 * any door's JSON events go through {@link #send}.
 */
public final class WsTestClient implements AutoCloseable {

    /** Long enough for a cold model on a busy 2-core CI machine; a pass never waits for it. */
    public static final long TIMEOUT_S = 60;

    private final BlockingQueue<JsonNode> messages;
    /** The close code the server sent, once it closed the connection. */
    public final CompletableFuture<Integer> closeStatus;
    private final WebSocket ws;

    private WsTestClient(WebSocket ws, BlockingQueue<JsonNode> messages, CompletableFuture<Integer> closeStatus) {
        this.ws = ws;
        this.messages = messages;
        this.closeStatus = closeStatus;
    }

    public static WsTestClient connect(String url) throws Exception {
        BlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
        WholeTextMessages server = new WholeTextMessages(text -> {
            try {
                inbox.add(Json.MAPPER.readTree(text));
            } catch (Exception e) {
                inbox.add(Json.object().put("type", "unparseable").put("text", text));
            }
        });
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(url), server).get(TIMEOUT_S, TimeUnit.SECONDS);
        return new WsTestClient(ws, inbox, server.closed());
    }

    public void send(String text) {
        ws.sendText(text, true).join();
    }

    /** One text message in two frames (each may be under the frame limit while the message is over it). */
    public void sendInTwoFrames(String text) {
        int half = text.length() / 2;
        ws.sendText(text.substring(0, half), false).join();
        ws.sendText(text.substring(half), true).join();
    }

    public void sendBinary(byte[] data) {
        ws.sendBinary(ByteBuffer.wrap(data), true).join();
    }

    /** Streams audio as appends of {@code chunkMs} at the given rate, as fast as the socket takes them. */
    public void stream(float[] samples, int rate, int chunkMs) {
        int chunk = rate * chunkMs / 1000;
        for (int at = 0; at < samples.length; at += chunk) {
            int n = Math.min(chunk, samples.length - at);
            send(append(Pcm16.encode(samples, at, n), rate));
        }
    }

    public static String append(byte[] pcm, int rate) {
        return "{\"type\":\"input_audio_buffer.append\",\"sample_rate\":" + rate + ",\"audio\":\""
                + Base64.getEncoder().encodeToString(pcm) + "\"}";
    }

    public void commit() {
        send("{\"type\":\"input_audio_buffer.commit\"}");
    }

    /** The next message; fails the test when none comes in time. */
    public JsonNode next() throws InterruptedException {
        JsonNode m = poll(TIMEOUT_S);
        if (m == null) {
            throw new AssertionError("no message from the server within " + TIMEOUT_S + " s");
        }
        return m;
    }

    public JsonNode poll(long seconds) throws InterruptedException {
        return messages.poll(seconds, TimeUnit.SECONDS);
    }

    /** The next message of the given type, failing on anything else in between. */
    public JsonNode expect(String type) throws InterruptedException {
        JsonNode m = next();
        if (!type.equals(m.path("type").asText())) {
            throw new AssertionError("expected a " + type + " message, got " + m);
        }
        return m;
    }

    /**
     * Sends a commit and collects every result up to the commit's acknowledgement and the result of
     * the last segment it names: the whole stream's answers, in arrival order.
     */
    public List<JsonNode> commitAndCollect() throws InterruptedException {
        commit();
        List<JsonNode> results = new ArrayList<>();
        long last = -1;
        while (true) {
            JsonNode m = next();
            String type = m.path("type").asText();
            if (type.equals("input_audio_buffer.committed")) {
                last = m.path("last_segment_id").asLong();
                if (last == 0 || results.stream().anyMatch(r -> r.path("segment_id").asLong() == m.path("last_segment_id").asLong())) {
                    return results;
                }
            } else {
                results.add(m);
                if (last > 0 && m.path("segment_id").asLong() == last) {
                    return results;
                }
            }
        }
    }

    /** Drops the TCP connection without a close handshake, as a crashed client does. */
    public void abort() {
        ws.abort();
    }

    @Override
    public void close() {
        if (!ws.isOutputClosed()) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
        ws.abort();
    }
}
