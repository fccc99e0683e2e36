package dev.stt.server;

import dev.stt.testkit.WsTestClient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stt.model.ModelStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The SIGTERM drain as an orchestrator sees it: the listening socket goes away at once (new clients are
 * refused and go to another replica) while the segments already open are still transcribed and sent.
 */
class ShutdownDrainTest {

    /**
     * True when nothing listens on the port any more: a TCP connect is refused, or reset because the
     * listening socket closed while the handshake waited in its backlog (seen in CI during the drain).
     */
    static boolean refuses(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            return false;
        } catch (java.net.SocketException e) { // ConnectException is one
            return true;
        }
    }

    /** The transcript of the next result, skipping the shutdown's own commit acknowledgement. */
    static JsonNode nextResult(WsTestClient c) throws InterruptedException {
        JsonNode m = c.next();
        if (m.path("type").asText().equals("input_audio_buffer.committed")) {
            m = c.next();
        }
        return m;
    }

    @Test
    void newConnectionsAreRefusedDuringTheDrainAndTheOpenSegmentIsStillAnswered() throws Exception {
        try (RunningServer own = RunningServer.withRealModels(RunningServer.testConfig()); WsTestClient c = own.connect()) {
            int port = own.server.port();
            assertFalse(refuses(port), "the server should accept connections before the shutdown");
            // speech with no trailing silence and no commit: the utterance is still open when the drain starts
            c.stream(Speech.jfkOpening(), 16_000, 100);
            c.send("{}");
            c.expect("error"); // frames are handled in order: every append above reached the session

            CompletableFuture<Void> stopping = CompletableFuture.runAsync(own.server::shutdown);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WsTestClient.TIMEOUT_S);
            while (!refuses(port)) {
                assertTrue(System.nanoTime() < deadline, "the port still accepted connections during the shutdown");
                Thread.sleep(5);
            }
            // (whether the answer is already in by now is a race on a fast machine; what matters is that the
            // port refuses while the open segment is still answered below)
            JsonNode done = nextResult(c);
            assertEquals("response.audio_transcript.done", done.path("type").asText(), done.toString());
            assertTrue(Speech.normalized(done.path("transcript").asText()).contains("fellow americans"), done.toString());
            assertTrue(refuses(port), "a connection was accepted after the drain began");
            stopping.get(WsTestClient.TIMEOUT_S, TimeUnit.SECONDS);
            assertEquals(1001, c.closeStatus.get(WsTestClient.TIMEOUT_S, TimeUnit.SECONDS), "going away");
        }
    }
}
