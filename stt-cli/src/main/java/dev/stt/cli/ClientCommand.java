package dev.stt.cli;

import dev.stt.protocol.client.WholeTextMessages;
import com.fasterxml.jackson.databind.JsonNode;
import dev.stt.audio.AudioClip;
import dev.stt.audio.Pcm16;
import dev.stt.audio.WavReader;
import dev.stt.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code stt client}: the original service's test client. Streams a WAV over the original protocol in
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
        return "[--url ws://127.0.0.1:8000/] [--chunk-ms 100] [--fast] FILE.wav   stream a file, print transcripts";
    }

    @Override
    public int run(List<String> args) throws Exception {
        Flags f = Flags.parse(args, Set.of("url", "chunk-ms"), Set.of("fast"));
        if (f.positional.size() != 1) {
            throw new SttCommand.UsageException("give one WAV file to stream, e.g. stt client speech.wav");
        }
        AudioClip clip = WavReader.read(Path.of(f.positional.get(0)));
        int rate = clip.sampleRate() >= 8_000 && clip.sampleRate() <= 48_000 ? clip.sampleRate() : 16_000;
        float[] samples = rate == clip.sampleRate() ? clip.samples() : clip.toMono16k();
        int chunkMs = f.integer("chunk-ms", 100);
        if (chunkMs < 10 || chunkMs > 10_000) {
            throw new SttCommand.UsageException("--chunk-ms must be 10..10000");
        }
        boolean fast = f.has("fast");
        AtomicLong lastMessage = new AtomicLong(System.nanoTime());
        Completion done = new Completion();
        WholeTextMessages server = new WholeTextMessages(text -> {
            print(text, done);
            lastMessage.set(System.nanoTime());
        });
        CompletableFuture<Integer> closed = server.closed();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(f.get("url", "ws://127.0.0.1:8000/")), server).get(10, TimeUnit.SECONDS);
        int chunk = rate * chunkMs / 1000;
        long start = System.nanoTime();
        for (int at = 0; at < samples.length && !closed.isDone(); at += chunk) {
            int n = Math.min(chunk, samples.length - at);
            String audio = Base64.getEncoder().encodeToString(Pcm16.encode(samples, at, n));
            ws.sendText("{\"type\":\"input_audio_buffer.append\",\"sample_rate\":" + rate + ",\"audio\":\"" + audio + "\"}", true).join();
            if (!fast) {
                long due = start + (long) ((at + n) * 1e9 / rate);
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
