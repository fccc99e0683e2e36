package dev.stt.protocol.client;

import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * A JDK {@link WebSocket.Listener} for a client of the server: joins the frames of each text message and
 * hands every whole message, in order, to one consumer; remembers how the connection ended. The client
 * command, the load tools and the tests all read the server this way.
 */
public final class WholeTextMessages implements WebSocket.Listener {

    private final Consumer<String> onMessage;
    private final StringBuilder text = new StringBuilder();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();

    public WholeTextMessages(Consumer<String> onMessage) {
        this.onMessage = onMessage;
    }

    /** The close code the server sent; completes exceptionally when the connection failed instead. */
    public CompletableFuture<Integer> closed() {
        return closed;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            String message = text.toString();
            text.setLength(0);
            onMessage.accept(message);
        }
        ws.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        closed.completeExceptionally(error);
    }
}
