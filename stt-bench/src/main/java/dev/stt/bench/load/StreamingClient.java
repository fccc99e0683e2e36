package dev.stt.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One simulated caller on the original protocol (protocol.md §1): plays {@link ClipTape} clips one after
 * another at real-time pace, one message per {@link #tick()}, and times each clip's end of speech (its
 * last chunk sent) to the arrival of its last segment's {@code response.audio_transcript.done}. The
 * server answers segments in order, so the n-th transcript on this socket is known to close the clip
 * whose segments add up to n.
 */
final class StreamingClient implements LoadClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Pending(String file, long endOfSpeechNanos, String reference, long firstTranscript) {
    }

    private final ClipTape tape;
    private final StepLog log;
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final StringBuilder partial = new StringBuilder();

    private volatile WebSocket socket;
    private CompletableFuture<WebSocket> sending;
    private volatile boolean stopping;
    private volatile boolean finished;

    // tick() state; scheduleAtFixedRate never runs one task twice at once
    private int clip;
    private int chunk;
    private long expectedTranscripts;

    // listener state; the WebSocket delivers one message at a time
    private long received;
    /** Transcripts since the last clip's final, joined: the next clip's text so far. */
    private final StringBuilder clipText = new StringBuilder();

    StreamingClient(ClipTape tape, int firstClip, StepLog log) {
        this.tape = tape;
        this.log = log;
        this.clip = firstClip % tape.clips().size();
    }

    @Override
    public CompletableFuture<WebSocket> connect(HttpClient http, URI uri) {
        return http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10)).buildAsync(uri, this)
                .whenComplete((ws, e) -> {
                    if (e != null) {
                        log.connectFailure(e);
                        finished = true;
                    } else {
                        socket = ws;
                        sending = CompletableFuture.completedFuture(ws);
                    }
                });
    }

    /** Sends the next chunk. After {@link #stop()}, sends nothing once the current clip and its silence are out. */
    @Override
    public void tick() {
        WebSocket ws = socket;
        if (ws == null || finished) {
            return;
        }
        ClipTape.Clip c = tape.clips().get(clip);
        int speech = c.speech().size();
        if (chunk == 0 && stopping) {
            finished = true;
            return;
        }
        String msg;
        if (chunk < speech) {
            msg = c.speech().get(chunk);
            if (chunk == speech - 1) {
                expectedTranscripts += c.segments();
                pending.put(expectedTranscripts, new Pending(c.file(), System.nanoTime(), c.reference(),
                        expectedTranscripts - c.segments() + 1));
            }
        } else {
            msg = tape.silence();
        }
        send(msg);
        chunk++;
        if (chunk == speech + tape.silenceChunks()) {
            chunk = 0;
            clip = (clip + 1) % tape.clips().size();
        }
    }

    private void send(String msg) {
        // The JDK WebSocket allows one outstanding send: chain them.
        sending = sending.thenCompose(ws -> ws.sendText(msg, true)).exceptionally(e -> {
            log.sendFailure(e);
            finished = true;
            return socket;
        });
    }

    @Override
    public void stop() {
        stopping = true;
    }

    @Override
    public boolean done() {
        return finished;
    }

    @Override
    public int outstanding() {
        return pending.size();
    }

    /** Counts clips still without their transcript as timeouts and closes the socket. */
    @Override
    public void close() {
        log.timeouts(pending.size());
        pending.clear();
        finished = true;
        WebSocket ws = socket;
        if (ws != null) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").exceptionally(e -> null);
            ws.abort();
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            long now = System.nanoTime();
            String text = partial.toString();
            partial.setLength(0);
            handle(text, now);
        }
        ws.request(1);
        return null;
    }

    private void handle(String text, long now) {
        JsonNode msg;
        try {
            msg = JSON.readTree(text);
        } catch (Exception e) {
            log.serverError("unparseable message: " + text.substring(0, Math.min(80, text.length())));
            return;
        }
        switch (msg.path("type").asText()) {
            case "response.audio_transcript.done" -> {
                received++;
                log.transcript();
                String t = msg.path("transcript").asText("").strip();
                if (!t.isEmpty()) {
                    clipText.append(clipText.isEmpty() ? "" : " ").append(t);
                }
                Pending p = pending.remove(received);
                if (p != null) {
                    log.latency((now - p.endOfSpeechNanos()) / 1e6);
                    log.finalText(p.reference(), clipText.toString());
                    clipText.setLength(0);
                }
            }
            case "response.audio_transcript.delta" -> log.delta();
            case "error" -> log.serverError(msg.path("message").asText(text));
            default -> {
                // other events (session info, interim text) carry no timing we measure
            }
        }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
        if (!finished) {
            log.serverError("server closed the socket: " + statusCode + " " + reason);
            finished = true;
        }
        return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        if (!finished) {
            log.serverError("socket error: " + error);
            finished = true;
        }
    }
}
