package dev.stt.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stt.bench.BenchClip;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The audio one load client plays: each clip as ready-made {@code input_audio_buffer.append} messages
 * (PCM16, 16 kHz, one per chunk), followed by silence chunks. Built once and shared by every client, so
 * the driver spends its CPU sending rather than encoding, on a machine whose cores the server needs.
 */
public final class ClipTape {

    /**
     * One clip's messages; {@code speech} holds the clip itself, the silence that follows is shared.
     * {@code reference} is what was said (for WER), {@code segments} how many transcripts the original
     * door's VAD cuts it into.
     */
    public record Clip(String file, List<String> speech, int segments, String reference, double seconds) {

        public Clip(String file, List<String> speech, int segments) {
            this(file, speech, segments, "", 0);
        }
    }

    private final List<Clip> clips;
    private final String silence;
    private final int silenceChunks;
    private final int chunkMs;

    private ClipTape(List<Clip> clips, String silence, int silenceChunks, int chunkMs) {
        this.clips = List.copyOf(clips);
        this.silence = silence;
        this.silenceChunks = silenceChunks;
        this.chunkMs = chunkMs;
    }

    /**
     * @param chunkMs   audio per message
     * @param silenceMs silence after each clip: longer than the server's VAD silence window, so every
     *                  clip's last segment closes before the next clip starts
     */
    public static ClipTape of(List<BenchClip> source, int chunkMs, int silenceMs) {
        return build(source, chunkMs, silenceMs, false);
    }

    /**
     * The same clips for the Realtime door ({@code /v1/realtime}): resampled to 24 kHz, each chunk an
     * {@code input_audio_buffer.append} with base64 pcm16 and no {@code sample_rate} (the session's
     * {@code audio/pcm} format is 24 kHz).
     */
    public static ClipTape realtimeOf(List<BenchClip> source, int chunkMs, int silenceMs) {
        return build(source, chunkMs, silenceMs, true);
    }

    private static ClipTape build(List<BenchClip> source, int chunkMs, int silenceMs, boolean realtime) {
        if (chunkMs < 10 || chunkMs > 1000) {
            throw new IllegalArgumentException("chunkMs must be in [10, 1000], got " + chunkMs);
        }
        if (silenceMs < chunkMs) {
            throw new IllegalArgumentException("silenceMs must be at least one chunk (" + chunkMs + " ms), got " + silenceMs);
        }
        int rate = realtime ? 24_000 : 16_000;
        int chunk = rate / 1000 * chunkMs;
        List<Clip> clips = new ArrayList<>();
        for (BenchClip c : source) {
            List<String> msgs = new ArrayList<>();
            float[] s = realtime ? dev.stt.audio.Resampler.resample(c.samples(), 16_000, 24_000) : c.samples();
            for (int from = 0; from < s.length; from += chunk) {
                msgs.add(append(s, from, Math.min(chunk, s.length - from), realtime ? 0 : 16_000));
            }
            clips.add(new Clip(c.file(), msgs, 1, c.reference() == null ? "" : c.reference(), (double) s.length / rate));
        }
        return new ClipTape(clips, append(new float[chunk], 0, chunk, realtime ? 0 : 16_000),
                (silenceMs + chunkMs - 1) / chunkMs, chunkMs);
    }

    /** The same tape with each clip's segment count as the server's VAD cut it (see {@link SegmentCalibration}). */
    public ClipTape withSegments(int[] segments) {
        if (segments.length != clips.size()) {
            throw new IllegalArgumentException("one count per clip expected");
        }
        List<Clip> out = new ArrayList<>();
        for (int i = 0; i < clips.size(); i++) {
            if (segments[i] < 1) {
                throw new IllegalArgumentException(clips.get(i).file() + ": the server returned no transcript for it");
            }
            out.add(new Clip(clips.get(i).file(), clips.get(i).speech(), segments[i], clips.get(i).reference(),
                    clips.get(i).seconds()));
        }
        return new ClipTape(out, silence, silenceChunks, chunkMs);
    }

    public List<Clip> clips() {
        return clips;
    }

    public String silence() {
        return silence;
    }

    public int silenceChunks() {
        return silenceChunks;
    }

    public int chunkMs() {
        return chunkMs;
    }

    static String append(float[] samples, int from, int n) {
        return append(samples, from, n, 16_000);
    }

    /** @param sampleRate the {@code sample_rate} field, or 0 for none (the Realtime door's format says it) */
    static String append(float[] samples, int from, int n, int sampleRate) {
        byte[] pcm = new byte[2 * n];
        for (int i = 0; i < n; i++) {
            int v = Math.max(-32768, Math.min(32767, Math.round(samples[from + i] * 32768f)));
            pcm[2 * i] = (byte) v;
            pcm[2 * i + 1] = (byte) (v >> 8);
        }
        ObjectNode msg = new ObjectMapper().createObjectNode();
        msg.put("type", "input_audio_buffer.append");
        if (sampleRate > 0) {
            msg.put("sample_rate", sampleRate);
        }
        msg.put("audio", Base64.getEncoder().encodeToString(pcm));
        return msg.toString();
    }
}
