package dev.stt.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stt.protocol.client.WholeTextMessages;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many segments the server's VAD cuts each clip into (a pause inside a sentence can close one),
 * learnt on one idle connection before the load starts, so that under load the driver knows which
 * transcript is a clip's last. Audio goes out as fast as the socket takes it: the VAD counts samples,
 * not wall time, so the pace does not change where it cuts.
 */
final class SegmentCalibration {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SegmentCalibration() {
    }

    static int[] count(HttpClient http, URI uri, ClipTape tape, Duration quiet, Duration limit) throws Exception {
        AtomicInteger transcripts = new AtomicInteger();
        AtomicLong lastArrival = new AtomicLong();
        WebSocket.Listener listener = new WholeTextMessages(text -> {
            String type;
            try {
                type = JSON.readTree(text).path("type").asText();
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("unparseable server message: " + text, e);
            }
            if (type.equals("response.audio_transcript.done")) {
                transcripts.incrementAndGet();
                lastArrival.set(System.nanoTime());
            } else if (type.equals("error")) {
                throw new IllegalStateException("server error during calibration: " + text);
            }
        });
        WebSocket ws = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10)).buildAsync(uri, listener)
                .get(15, TimeUnit.SECONDS);
        try {
            int[] segments = new int[tape.clips().size()];
            for (int i = 0; i < segments.length; i++) {
                int before = transcripts.get();
                for (String msg : tape.clips().get(i).speech()) {
                    ws.sendText(msg, true).get(10, TimeUnit.SECONDS);
                }
                for (int k = 0; k < tape.silenceChunks(); k++) {
                    ws.sendText(tape.silence(), true).get(10, TimeUnit.SECONDS);
                }
                long start = System.nanoTime();
                while (System.nanoTime() - start < limit.toNanos()) {
                    boolean some = transcripts.get() > before;
                    if (some && System.nanoTime() - lastArrival.get() > quiet.toNanos()) {
                        break;
                    }
                    Thread.sleep(20);
                }
                segments[i] = transcripts.get() - before;
            }
            return segments;
        } finally {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "calibrated").exceptionally(e -> null);
            ws.abort();
        }
    }
}
