package dev.stt.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stt.audio.Pcm16;
import dev.stt.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real WebSocket client (the JDK's) speaking the original protocol, for tests. */
final class WsTestClient implements AutoCloseable {

    final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    final WebSocket ws;
    volatile int closeStatus = -1;

    WsTestClient(String url) throws Exception {
        ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(url), new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    try {
                        received.add(Json.MAPPER.readTree(text.toString()));
                    } catch (Exception e) {
                        throw new IllegalStateException("server sent invalid JSON: " + text, e);
                    }
                    text.setLength(0);
                }
                w.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket w, int status, String reason) {
                closeStatus = status;
                return null;
            }
        }).get(10, TimeUnit.SECONDS);
    }

    void sendText(String s) {
        ws.sendText(s, true).join();
    }

    void sendBinary(byte[] b) {
        ws.sendBinary(ByteBuffer.wrap(b), true).join();
    }

    void append(float[] samples, int from, int to, int rate) {
        sendText("{\"type\":\"input_audio_buffer.append\",\"sample_rate\":" + rate + ",\"audio\":\""
                + Base64.getEncoder().encodeToString(Pcm16.encode(samples, from, to - from)) + "\"}");
    }

    /** Streams samples in chunks of {@code chunkMs}, as fast as the socket takes them. */
    void stream(float[] samples, int rate, int chunkMs) {
        int chunk = rate * chunkMs / 1000;
        for (int at = 0; at < samples.length; at += chunk) {
            append(samples, at, Math.min(samples.length, at + chunk), rate);
        }
    }

    void commit() {
        sendText("{\"type\":\"input_audio_buffer.commit\"}");
    }

    JsonNode next(long seconds) throws InterruptedException {
        JsonNode m = received.poll(seconds, TimeUnit.SECONDS);
        if (m == null) {
            throw new AssertionError("no message from the server within " + seconds + " s");
        }
        return m;
    }

    /** Collects transcripts until {@code quietMs} pass without a message. */
    List<JsonNode> drain(long quietMs) throws InterruptedException {
        List<JsonNode> out = new ArrayList<>();
        JsonNode m;
        while ((m = received.poll(quietMs, TimeUnit.MILLISECONDS)) != null) {
            out.add(m);
        }
        return out;
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
