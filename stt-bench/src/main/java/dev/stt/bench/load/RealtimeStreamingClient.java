package dev.stt.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One simulated caller on the Realtime door ({@code /v1/realtime}): a GA {@code session.update}
 * (transcription, {@code audio/pcm} at 24 kHz, server VAD), then the {@link ClipTape#realtimeOf} clips at
 * real-time pace. The server's VAD cuts the stream into items; each item is tied to the clip whose
 * stretch of the stream (its speech and the silence after it) holds the item's {@code audio_start_ms}
 * plus the VAD's prefix padding. A clip is final once its silence is out and every item it holds is
 * {@code completed}: its latency is from its last chunk sent to its last item's {@code completed}, its
 * text the items' transcripts joined. Per item it counts the {@code delta}s that arrived before the
 * item's {@code speech_stopped}.
 */
final class RealtimeStreamingClient extends JsonSocketClient {

    /** The prefix padding (ms) the session asks for: an item's audio_start_ms is this much before its speech. */
    static final int PREFIX_PADDING_MS = 300;

    static String sessionUpdate(int silenceMs) {
        return "{\"type\":\"session.update\",\"session\":{\"type\":\"transcription\",\"audio\":{\"input\":{"
                + "\"format\":{\"type\":\"audio/pcm\",\"rate\":24000},"
                + "\"turn_detection\":{\"type\":\"server_vad\",\"threshold\":0.5,\"prefix_padding_ms\":" + PREFIX_PADDING_MS
                + ",\"silence_duration_ms\":" + silenceMs + "}}}}}";
    }

    private static final class ClipRun {
        final String reference;
        long endOfSpeechNanos = -1;
        boolean silenceSent;
        boolean finalized;
        long lastCompletionNanos;
        final List<Item> items = new ArrayList<>();

        ClipRun(String reference) {
            this.reference = reference;
        }
    }

    private static final class Item {
        final ClipRun clip;
        int deltasBeforeStop;
        boolean stopped;
        boolean completed;
        String text = "";

        Item(ClipRun clip) {
            this.clip = clip;
        }
    }

    private final ClipTape tape;
    private final int vadSilenceMs;

    // shared between tick() and the listener: guarded by this
    private final TreeMap<Double, ClipRun> byStartMs = new TreeMap<>();
    private final Map<String, Item> items = new HashMap<>();
    private int outstanding;

    // tick() state
    private int clip;
    private int chunk;
    private double streamMs;
    private ClipRun current;

    RealtimeStreamingClient(ClipTape tape, int firstClip, StepLog log, int vadSilenceMs) {
        super(log);
        this.tape = tape;
        this.vadSilenceMs = vadSilenceMs;
        this.clip = firstClip % tape.clips().size();
    }

    @Override
    protected String opening() {
        return sessionUpdate(vadSilenceMs);
    }

    @Override
    public void tick() {
        if (!sendable()) {
            return;
        }
        ClipTape.Clip c = tape.clips().get(clip);
        int speech = c.speech().size();
        if (chunk == 0) {
            if (stopping()) {
                finish();
                return;
            }
            synchronized (this) {
                current = new ClipRun(c.reference());
                byStartMs.put(streamMs, current);
            }
        }
        String msg;
        if (chunk < speech) {
            msg = c.speech().get(chunk);
            if (chunk == speech - 1) {
                synchronized (this) {
                    current.endOfSpeechNanos = System.nanoTime();
                    outstanding++;
                }
            }
        } else {
            msg = tape.silence();
        }
        send(msg);
        chunk++;
        if (chunk == speech + tape.silenceChunks()) {
            synchronized (this) {
                current.silenceSent = true;
                tryFinal(current, System.nanoTime());
            }
            streamMs += c.seconds() * 1000 + (double) tape.silenceChunks() * tape.chunkMs();
            chunk = 0;
            clip = (clip + 1) % tape.clips().size();
        }
    }

    /** Under this: a clip whose silence is out and whose items are all completed is final. */
    private void tryFinal(ClipRun r, long now) {
        if (r.finalized || !r.silenceSent || r.endOfSpeechNanos < 0 || r.items.isEmpty()) {
            return;
        }
        StringBuilder text = new StringBuilder();
        for (Item i : r.items) {
            if (!i.completed) {
                return;
            }
            if (!i.text.isBlank()) {
                text.append(text.isEmpty() ? "" : " ").append(i.text.strip());
            }
        }
        r.finalized = true;
        outstanding--;
        log.latency((r.lastCompletionNanos - r.endOfSpeechNanos) / 1e6);
        log.finalText(r.reference, text.toString());
    }

    @Override
    public synchronized int outstanding() {
        return outstanding;
    }

    @Override
    protected synchronized int dropOutstanding() {
        int n = outstanding;
        outstanding = 0;
        return n;
    }

    @Override
    protected synchronized void handle(JsonNode msg, String text, long now) {
        String id = msg.path("item_id").asText("");
        switch (msg.path("type").asText()) {
            case "input_audio_buffer.speech_started" -> {
                var e = byStartMs.floorEntry(msg.path("audio_start_ms").asDouble() + PREFIX_PADDING_MS);
                if (e == null) {
                    e = byStartMs.firstEntry();
                }
                if (e != null) {
                    Item i = new Item(e.getValue());
                    e.getValue().items.add(i);
                    items.put(id, i);
                }
            }
            case "input_audio_buffer.speech_stopped" -> {
                Item i = items.get(id);
                if (i != null && !i.stopped) {
                    i.stopped = true;
                    log.turn(i.deltasBeforeStop);
                }
            }
            case "conversation.item.input_audio_transcription.delta" -> {
                log.delta();
                Item i = items.get(id);
                if (i != null && !i.stopped) {
                    i.deltasBeforeStop++;
                }
            }
            case "conversation.item.input_audio_transcription.completed",
                 "conversation.item.input_audio_transcription.failed" -> {
                boolean ok = msg.path("type").asText().endsWith("completed");
                if (ok) {
                    log.transcript();
                } else {
                    log.serverError("failed: " + msg.path("error").path("message").asText(text));
                }
                Item i = items.remove(id);
                if (i != null) {
                    i.completed = true;
                    i.text = ok ? msg.path("transcript").asText("") : "";
                    i.clip.lastCompletionNanos = now;
                    tryFinal(i.clip, now);
                    // clips before this one are done with: forget them
                    while (byStartMs.size() > 4 && byStartMs.firstEntry().getValue().finalized) {
                        byStartMs.pollFirstEntry();
                    }
                }
            }
            case "error" -> log.serverError(msg.path("error").path("message").asText(text));
            default -> {
                // session.created/updated, committed: nothing timed
            }
        }
    }
}
