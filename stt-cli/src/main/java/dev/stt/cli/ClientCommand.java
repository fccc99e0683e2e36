package dev.stt.cli;

import dev.stt.protocol.client.WholeTextMessages;
import com.fasterxml.jackson.databind.JsonNode;
import dev.stt.audio.AudioFiles;
import dev.stt.audio.AudioFormatException;
import dev.stt.audio.AudioSource;
import dev.stt.audio.Pcm16;
import dev.stt.audio.Resampler;
import dev.stt.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code stt client}: the original service's test client. Decodes any audio file and streams it over the original protocol in
 * chunks (at real-time pace unless {@code --fast}), commits at the end and prints each transcript.
 */
final class ClientCommand implements Subcommand {

    /**
     * A server that does not acknowledge the commit (the original service) is considered done after
     * this long without a message; this server answers with {@code input_audio_buffer.committed}.
     */
    static final long QUIET_MS = 4_000;

    @Override
    public String name() {
        return "client";
    }

    @Override
    public String summary() {
        return "[--url ws://127.0.0.1:8000/] [--chunk-ms 100] [--fast] FILE   stream an audio file (any format), print transcripts";
    }

    @Override
    public int run(List<String> args) throws Exception {
        Flags f = Flags.parse(args, Set.of("url", "chunk-ms"), Set.of("fast"));
        if (f.positional.size() != 1) {
            throw new SttCommand.UsageException("give one audio file to stream, e.g. stt client samples/jfk.wav");
        }
        int chunkMs = f.integer("chunk-ms", 100);
        if (chunkMs < 10 || chunkMs > 10_000) {
            throw new SttCommand.UsageException("--chunk-ms must be 10..10000");
        }
        Path file = Path.of(f.positional.get(0));
        if (!Files.isRegularFile(file)) {
            System.err.println("stt client: " + file + ": no such file");
            return 1;
        }
        String url = f.get("url", "ws://127.0.0.1:8000/");
        try (AudioSource audio = AudioFiles.open(file)) {
            return stream(audio, url, chunkMs, f.has("fast"));
        } catch (AudioFormatException e) {
            System.err.println("stt client: " + e.getMessage());
            return 1;
        }
    }

    /** Decodes the file piece by piece and streams it, at its own rate where the server takes that rate, else at 16 kHz. */
    private int stream(AudioSource audio, String url, int chunkMs, boolean fast) throws Exception {
        boolean served = audio.sampleRate() >= 8_000 && audio.sampleRate() <= 48_000;
        int rate = served ? audio.sampleRate() : 16_000;
        Resampler resampler = served ? null : new Resampler(audio.sampleRate(), rate);
        AtomicLong lastMessage = new AtomicLong(System.nanoTime());
        Completion done = new Completion();
        WholeTextMessages server = new WholeTextMessages(text -> {
            print(text, done);
            lastMessage.set(System.nanoTime());
        });
        CompletableFuture<Integer> closed = server.closed();
        WebSocket ws;
        try {
            ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(url), server).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            System.err.println("stt client: cannot connect to " + url + ": "
                    + (cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName()) + " (is `stt serve` running?)");
            return 1;
        }
        float[] piece = new float[Math.max(1, audio.sampleRate() * chunkMs / 1000)];
        long sent = 0;
        long start = System.nanoTime();
        int n;
        while (!closed.isDone() && (n = audio.read(piece)) >= 0) {
            float[] chunk = resampler == null ? java.util.Arrays.copyOf(piece, n) : resampler.process(piece, 0, n);
            if (chunk.length == 0) {
                continue;
            }
            String b64 = Base64.getEncoder().encodeToString(Pcm16.encode(chunk, 0, chunk.length));
            ws.sendText("{\"type\":\"input_audio_buffer.append\",\"sample_rate\":" + rate + ",\"audio\":\"" + b64 + "\"}", true).join();
            sent += chunk.length;
            if (!fast) {
                long due = start + (long) (sent * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
        }
        ws.sendText("{\"type\":\"input_audio_buffer.commit\"}", true).join();
        lastMessage.set(System.nanoTime());
        while (!closed.isDone() && !done.complete() && System.nanoTime() - lastMessage.get() < TimeUnit.MILLISECONDS.toNanos(QUIET_MS)) {
            Thread.sleep(50);
        }
        if (!closed.isDone()) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        }
        return 0;
    }

    /** The commit's acknowledgement names the last segment; the stream is done once its answer is in. */
    private static final class Completion {
        private long lastSegment = -1;
        private long answered;

        synchronized void committed(long last) {
            lastSegment = last;
        }

        synchronized void answered(long segmentId) {
            answered = Math.max(answered, segmentId);
        }

        synchronized boolean complete() {
            return lastSegment >= 0 && answered >= lastSegment;
        }
    }

    private static void print(String message, Completion done) {
        try {
            JsonNode m = Json.MAPPER.readTree(message);
            String type = m.path("type").asText();
            if (type.equals("response.audio_transcript.done")) {
                System.out.printf("[%6.2f - %6.2f] %s%n", m.path("start_ms").asLong() / 1000.0, m.path("end_ms").asLong() / 1000.0,
                        m.path("transcript").asText());
                done.answered(m.path("segment_id").asLong());
            } else if (type.equals("input_audio_buffer.committed")) {
                done.committed(m.path("last_segment_id").asLong());
            } else if (type.equals("error")) {
                System.err.println("error: " + m.path("message").asText());
                if (m.has("segment_id")) {
                    done.answered(m.path("segment_id").asLong());
                }
            }
        } catch (Exception e) {
            System.err.println("unreadable message: " + message);
        }
    }
}
