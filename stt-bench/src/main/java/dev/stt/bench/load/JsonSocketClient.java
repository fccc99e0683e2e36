package dev.stt.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The socket side every door's load client shares: connecting, one chained send at a time (the JDK
 * WebSocket allows one outstanding send), JSON messages joined from their frames, and a failure, a close
 * or the end of the step marking the client finished. A door's client sends its clips in {@link #tick()}
 * and reads the server's events in {@link #handle}.
 */
abstract class JsonSocketClient implements LoadClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    protected final StepLog log;
    private final StringBuilder partial = new StringBuilder();
    private volatile WebSocket socket;
    private CompletableFuture<WebSocket> sending;
    private volatile boolean stopping;
    private volatile boolean finished;

    JsonSocketClient(StepLog log) {
        this.log = log;
    }

    /** The message sent once connected, before any audio (the Realtime door's session.update), or null. */
    protected abstract String opening();

    /** One whole message from the server, received at {@code now} (nanoTime); {@code text} is its raw form. */
    protected abstract void handle(JsonNode msg, String text, long now);

    /** Forgets the clips still waiting for their transcript and says how many there were. */
    protected abstract int dropOutstanding();

    @Override
    public final CompletableFuture<WebSocket> connect(HttpClient http, URI uri) {
        return http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10)).buildAsync(uri, this)
                .whenComplete((ws, e) -> {
                    if (e != null) {
                        log.connectFailure(e);
                        finished = true;
                    } else {
                        socket = ws;
                        String first = opening();
                        sending = first == null ? CompletableFuture.completedFuture(ws) : ws.sendText(first, true);
                    }
                });
    }

    /** Whether a tick may send: connected and not finished. */
    protected final boolean sendable() {
        return socket != null && !finished;
    }

    protected final boolean stopping() {
        return stopping;
    }

    protected final void finish() {
        finished = true;
    }

    protected final void send(String msg) {
        sending = sending.thenCompose(ws -> ws.sendText(msg, true)).exceptionally(e -> {
            log.sendFailure(e);
            finished = true;
            return socket;
        });
    }

    @Override
    public final void stop() {
        stopping = true;
    }

    @Override
    public final boolean done() {
        return finished;
    }

    /** Counts clips still without their transcript as timeouts and closes the socket. */
    @Override
    public final void close() {
        log.timeouts(dropOutstanding());
        finished = true;
        WebSocket ws = socket;
        if (ws != null) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").exceptionally(e -> null);
            ws.abort();
        }
    }

    @Override
    public final CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            long now = System.nanoTime();
            String text = partial.toString();
            partial.setLength(0);
            JsonNode msg = null;
            try {
                msg = JSON.readTree(text);
            } catch (Exception e) {
                log.serverError("unparseable message: " + text.substring(0, Math.min(80, text.length())));
            }
            if (msg != null) {
                handle(msg, text, now);
            }
        }
        ws.request(1);
        return null;
    }

    @Override
    public final CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
        if (!finished) {
            log.serverError("server closed the socket: " + statusCode + " " + reason);
            finished = true;
        }
        return null;
    }

    @Override
    public final void onError(WebSocket ws, Throwable error) {
        if (!finished) {
            log.serverError("socket error: " + error);
            finished = true;
        }
    }
}
