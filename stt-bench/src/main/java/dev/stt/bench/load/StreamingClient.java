package dev.stt.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One simulated caller on the original protocol (protocol.md §1): plays {@link ClipTape} clips one after
 * another at real-time pace, one message per {@link #tick()}, and times each clip's end of speech (its
 * last chunk sent) to the arrival of its last segment's {@code response.audio_transcript.done}. The
 * server answers segments in order, so the n-th transcript on this socket is known to close the clip
 * whose segments add up to n.
 */
final class StreamingClient extends JsonSocketClient {

    private record Pending(String file, long endOfSpeechNanos, String reference, long firstTranscript) {
    }

    private final ClipTape tape;
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();

    // tick() state; scheduleAtFixedRate never runs one task twice at once
    private int clip;
    private int chunk;
    private long expectedTranscripts;

    // listener state; the WebSocket delivers one message at a time
    private long received;
    /** Transcripts since the last clip's final, joined: the next clip's text so far. */
    private final StringBuilder clipText = new StringBuilder();

    StreamingClient(ClipTape tape, int firstClip, StepLog log) {
        super(log);
        this.tape = tape;
        this.clip = firstClip % tape.clips().size();
    }

    /** Sends the next chunk. After {@link #stop()}, sends nothing once the current clip and its silence are out. */
    @Override
    public void tick() {
        if (!sendable()) {
            return;
        }
        ClipTape.Clip c = tape.clips().get(clip);
        int speech = c.speech().size();
        if (chunk == 0 && stopping()) {
            finish();
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

    @Override
    public int outstanding() {
        return pending.size();
    }

    @Override
    protected String opening() {
        return null;
    }

    @Override
    protected int dropOutstanding() {
        int n = pending.size();
        pending.clear();
        return n;
    }

    @Override
    protected void handle(JsonNode msg, String text, long now) {
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
}
