package dev.stt.bench.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;

/** One simulated caller of a load step, on either door. */
interface LoadClient extends WebSocket.Listener {

    CompletableFuture<WebSocket> connect(HttpClient http, URI uri);

    /** Sends the next chunk (called every chunk period). */
    void tick();

    void stop();

    boolean done();

    /** Clips whose speech is out but whose final transcript is not in yet. */
    int outstanding();

    /** Counts clips still without their transcript as timeouts and closes the socket. */
    void close();
}
