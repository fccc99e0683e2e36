package dev.stt.bench;

import dev.stt.engine.EngineConfig;
import dev.stt.engine.SttEngine;
import dev.stt.engine.SttEngines;
import dev.stt.engine.TranscribeOptions;
import dev.stt.engine.Transcript;
import dev.stt.eval.WordErrorRate;
import dev.stt.onnx.LiveTensors;
import dev.stt.session.SettledText;
import dev.stt.session.TranscriptionSession;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Interim schedules side by side on the ten clips, each clip one turn heard at real-time pace: decodes at the
 * given points of the turn (each beginning with what the earlier ones settled and checking the last as its
 * draft), then the decode at the pause, which is the final. Reports deltas (settled text that grew) per clip,
 * what interim and final decoding cost against one plain decode of each clip (decoder runs, encoded audio,
 * time), and the finals' WER. Deterministic but for the times.
 *
 * <pre>
 * bench/java.sh dev.stt.bench.InterimPolicy [whole:1,1.75,3,6,12] [provisional:1.5,3,6,12] ...
 * </pre>
 * {@code whole}: decodes run to end of text and settle what two in a row agree on; {@code provisional}:
 * provisional decodes ({@link TranscribeOptions#provisionalTokens()}, budgeted as the session does) that settle
 * the words they are sure of. {@code -Dinterim.finals=true} also prints each clip's deltas and final.
 */
public final class InterimPolicy {

    private static final int RATE = 16_000;

    record Policy(String name, boolean provisional, double[] points) {
        static Policy parse(String spec) {
            String[] f = spec.split(":");
            return new Policy(spec, f[0].equals("provisional"), Arrays.stream(f[1].split(",")).mapToDouble(Double::parseDouble).toArray());
        }
    }

    /** Decoder runs, encoded seconds and time of a set of decodes. */
    static final class Cost {
        long runs;
        double encoded;
        long nanos;

        Transcript decode(SttEngine engine, float[] audio, TranscribeOptions options) {
            long r0 = LiveTensors.runs();
            long t0 = System.nanoTime();
            Transcript text = engine.transcribe(audio, options);
            nanos += System.nanoTime() - t0;
            runs += LiveTensors.runs() - r0;
            encoded += audio.length / (double) RATE;
            return text;
        }
    }

    public static void main(String[] args) throws Exception {
        List<Policy> policies = new ArrayList<>();
        for (String spec : args.length > 0 ? args : new String[] {"whole:1,1.75,3,6,12", "provisional:1.5,3,6,12"}) {
            policies.add(Policy.parse(spec));
        }
        List<BenchClip> clips = BenchClip.load(null);
        try (SttEngine engine = SttEngines.open(EngineConfig.builder("moonshine-tiny").intraThreads(1).build())) {
            Cost plain = new Cost();
            for (int round = 0; round < 2; round++) { // the first round warms up
                plain = new Cost();
                for (BenchClip c : clips) {
                    plain.decode(engine, c.samples(), TranscribeOptions.DEFAULTS);
                }
            }
            System.out.println(String.format(Locale.ROOT, "plain decode: %.1f runs, %.2f s encoded, %.0f ms per clip",
                    plain.runs / (double) clips.size(), plain.encoded / clips.size(), plain.nanos / 1e6 / clips.size()));
            for (Policy p : policies) {
                report(p, run(engine, clips, p), plain, clips.size());
            }
        }
    }

    record Outcome(int deltas, int clipsUnderTwo, int decodes, Cost interim, Cost fin, WordErrorRate.Score score) {
    }

    static Outcome run(SttEngine engine, List<BenchClip> clips, Policy p) {
        int deltas = 0;
        int decodes = 0;
        int underTwo = 0;
        Cost interim = new Cost();
        Cost fin = new Cost();
        WordErrorRate.Score score = new WordErrorRate.Score(0, 0);
        for (BenchClip c : clips) {
            SettledText agreement = new SettledText();
            int clipDeltas = 0;
            double heard = 0;
            for (double at : p.points()) {
                int n = (int) (at * RATE);
                if (n > c.samples().length - RATE * 3 / 10) {
                    break; // the turn has paused by then
                }
                TranscribeOptions o = TranscribeOptions.DEFAULTS.continuing(agreement.settled(), agreement.previous());
                if (p.provisional()) {
                    o = o.provisional(TranscriptionSession.provisionalTokens(n - (long) (heard * RATE))); // the session's budget
                }
                heard = at;
                Transcript t = interim.decode(engine, Arrays.copyOf(c.samples(), n), o);
                decodes++;
                String added = p.provisional() ? agreement.onProvisionalDecode(t.text(), t.wholeText()) : agreement.onDecode(t.text());
                clipDeltas += added.isEmpty() ? 0 : 1;
            }
            String last = fin.decode(engine, c.samples(), TranscribeOptions.DEFAULTS.continuing(agreement.settled(), agreement.previous())).text();
            clipDeltas += agreement.onPauseDecode(last).isEmpty() ? 0 : 1;
            deltas += clipDeltas;
            underTwo += clipDeltas < 2 ? 1 : 0;
            score = score.plus(WordErrorRate.score(c.reference(), last));
            if (Boolean.getBoolean("interim.finals")) {
                System.out.println("    " + clipDeltas + " | " + last);
            }
        }
        return new Outcome(deltas, underTwo, decodes, interim, fin, score);
    }

    static void report(Policy p, Outcome o, Cost plain, int clips) {
        double n = clips;
        System.out.println(String.format(Locale.ROOT,
                "%-24s deltas/clip %.2f (%d clips under 2), decodes/clip %.1f | interim %.1f runs %.2f s %.0f ms, final %.1f runs %.0f ms"
                        + " per clip | against plain: runs %.2fx, encoded %.2fx, time %.2fx | WER %.2f %%",
                p.name(), o.deltas() / n, o.clipsUnderTwo(), o.decodes() / n, o.interim().runs / n, o.interim().encoded / n,
                o.interim().nanos / 1e6 / n, o.fin().runs / n, o.fin().nanos / 1e6 / n,
                (o.interim().runs + o.fin().runs) / (double) plain.runs, (o.interim().encoded + o.fin().encoded) / plain.encoded,
                (o.interim().nanos + o.fin().nanos) / (double) plain.nanos, 100 * o.score().rate()));
    }
}
