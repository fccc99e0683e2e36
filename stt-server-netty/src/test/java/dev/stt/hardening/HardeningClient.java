package dev.stt.hardening;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stt.audio.Pcm16;
import dev.stt.protocol.client.WholeTextMessages;
import dev.stt.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A plain JDK WebSocket client for the original protocol: every server message parsed and queued in order. */
final class HardeningClient implements AutoCloseable {

    static final long TIMEOUT_S = 60;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final BlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
    final WebSocket ws;

    HardeningClient(String url) {
        ws = HTTP.newWebSocketBuilder().buildAsync(URI.create(url), new WholeTextMessages(text -> {
            try {
                inbox.add(Json.MAPPER.readTree(text));
            } catch (Exception e) {
                inbox.add(Json.object().put("type", "unparseable").put("message", text));
            }
        })).orTimeout(TIMEOUT_S, TimeUnit.SECONDS).join();
    }

    /** Sends {@code samples} (16 kHz) as appends of {@code chunk} samples, as fast as the socket takes them. */
    void stream(float[] samples, int from, int to, int chunk) {
        for (int at = from; at < to; at += chunk) {
            String audio = Base64.getEncoder().encodeToString(Pcm16.encode(samples, at, Math.min(chunk, to - at)));
            ws.sendText("{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + audio + "\"}", true).join();
        }
    }

    /** Waits for {@code condition}, failing with {@code what} after {@link #TIMEOUT_S}. */
    static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    void send(String text) {
        ws.sendText(text, true).join();
    }

    JsonNode next(long timeoutMs) throws InterruptedException {
        return inbox.poll(timeoutMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").orTimeout(TIMEOUT_S, TimeUnit.SECONDS).join();
    }
}
