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

    /** One clip's messages; {@code speech} holds the clip itself, the silence that follows is shared. */
    public record Clip(String file, List<String> speech, int segments) {
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
        if (chunkMs < 10 || chunkMs > 1000) {
            throw new IllegalArgumentException("chunkMs must be in [10, 1000], got " + chunkMs);
        }
        if (silenceMs < chunkMs) {
            throw new IllegalArgumentException("silenceMs must be at least one chunk (" + chunkMs + " ms), got " + silenceMs);
        }
        int chunk = 16 * chunkMs;
        List<Clip> clips = new ArrayList<>();
        for (BenchClip c : source) {
            List<String> msgs = new ArrayList<>();
            float[] s = c.samples();
            for (int from = 0; from < s.length; from += chunk) {
                msgs.add(append(s, from, Math.min(chunk, s.length - from)));
            }
            clips.add(new Clip(c.file(), msgs, 1));
        }
        return new ClipTape(clips, append(new float[chunk], 0, chunk), (silenceMs + chunkMs - 1) / chunkMs, chunkMs);
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
            out.add(new Clip(clips.get(i).file(), clips.get(i).speech(), segments[i]));
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
        byte[] pcm = new byte[2 * n];
        for (int i = 0; i < n; i++) {
            int v = Math.max(-32768, Math.min(32767, Math.round(samples[from + i] * 32768f)));
            pcm[2 * i] = (byte) v;
            pcm[2 * i + 1] = (byte) (v >> 8);
        }
        ObjectNode msg = new ObjectMapper().createObjectNode();
        msg.put("type", "input_audio_buffer.append");
        msg.put("sample_rate", 16_000);
        msg.put("audio", Base64.getEncoder().encodeToString(pcm));
        return msg.toString();
    }
}
