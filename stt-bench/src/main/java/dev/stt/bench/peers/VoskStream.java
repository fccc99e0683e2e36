package dev.stt.bench.peers;

import java.io.IOException;
import org.vosk.Recognizer;

/**
 * Feeds a clip to a Vosk recognizer the way a streaming server does, 100 ms of 16-bit PCM at a time,
 * and hands over each result Kaldi's endpointing produces, then the final one.
 */
final class VoskStream {

    static final int CHUNK = 1600; // 100 ms at 16 kHz

    /** What to do with one result's JSON. */
    interface Results {
        void accept(String resultJson) throws IOException;
    }

    private VoskStream() {
    }

    static void feed(Recognizer rec, float[] samples16k, Results results) throws IOException {
        short[] pcm = new short[CHUNK];
        for (int from = 0; from < samples16k.length; from += CHUNK) {
            int n = Math.min(CHUNK, samples16k.length - from);
            for (int i = 0; i < n; i++) {
                pcm[i] = (short) Math.max(-32768, Math.min(32767, Math.round(samples16k[from + i] * 32768f)));
            }
            if (rec.acceptWaveForm(pcm, n)) {
                results.accept(rec.getResult());
            }
        }
        results.accept(rec.getFinalResult());
    }
}
