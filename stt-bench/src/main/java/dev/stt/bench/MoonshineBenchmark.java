package dev.stt.bench;

import dev.stt.audio.WavReader;
import dev.stt.engine.EngineConfig;
import dev.stt.engine.SttEngine;
import dev.stt.engine.SttEngines;
import dev.stt.engine.TranscribeOptions;
import dev.stt.engine.Transcript;
import dev.stt.eval.SpeechCorpus;
import dev.stt.eval.TestData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Moonshine tiny on the CPU: {@code java -jar stt-bench/target/benchmarks.jar MoonshineBenchmark} from the
 * repository root (the clips are read from {@code stt-testkit/data/speech}).
 *
 * <p>Real-time factor = score / audio length: {@code jfk} is 11.0 s of audio, {@code corpus} the ten shared
 * clips one after another (56.9 s), {@code corpusBatched} the same clips in one
 * {@link SttEngine#transcribeBatch} call. {@code words=true} asks for word times (the attention decoder and the
 * alignment), so the cost of word timestamps is the ratio of the two rows. Moonshine's own runtime is measured beside ours by
 * {@code bench/run-peers.sh}; compare within one run only.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgs = "--enable-native-access=ALL-UNNAMED")
public class MoonshineBenchmark {

    @Param({"1", "2"})
    public int threads;

    /** With word times: the decoder that also returns cross-attention, and the alignment over it. */
    @Param({"false", "true"})
    public boolean words;

    private TranscribeOptions options;

    private SttEngine engine;
    private float[] jfk;
    private List<float[]> corpus;

    @Setup
    public void open() throws IOException {
        engine = SttEngines.open(EngineConfig.builder("moonshine-tiny").intraThreads(threads).build());
        options = TranscribeOptions.DEFAULTS.withTimestamps(words);
        corpus = new ArrayList<>();
        for (SpeechCorpus.Clip c : SpeechCorpus.load(TestData.speechDir())) {
            float[] pcm = WavReader.read(c.wav()).toMono16k();
            corpus.add(pcm);
            if (c.name().equals("jfk")) {
                jfk = pcm;
            }
        }
        if (jfk == null) {
            throw new IOException("jfk.wav is missing from " + TestData.speechDir());
        }
    }

    @TearDown
    public void close() {
        engine.close();
    }

    @Benchmark
    public Transcript jfk() {
        return engine.transcribe(jfk, options);
    }

    @Benchmark
    public List<Transcript> corpus() {
        List<Transcript> out = new ArrayList<>(corpus.size());
        for (float[] clip : corpus) {
            out.add(engine.transcribe(clip, options));
        }
        return out;
    }

    @Benchmark
    public List<Transcript> corpusBatched() {
        return engine.transcribeBatch(corpus, options);
    }
}
