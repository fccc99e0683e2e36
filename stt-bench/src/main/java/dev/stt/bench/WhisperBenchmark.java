package dev.stt.bench;

import dev.stt.audio.WavReader;
import dev.stt.engine.Device;
import dev.stt.engine.EngineConfig;
import dev.stt.engine.Transcript;
import dev.stt.eval.SpeechCorpus;
import dev.stt.eval.TestData;
import dev.stt.whisper.WhisperEngine;
import dev.stt.whisper.WhisperGuards;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Whisper's whole path on the scripted test model (stt-engine-whisper's {@code whisper-scripted}: real ONNX
 * graphs with the Hugging Face export's names and shapes, whose decoder follows a fixed script): log-mel,
 * encoder, the KV-cached decoding loop with its rules, tokenizer, guards. Real Whisper weights cannot be
 * had here, so this measures everything around the model, not the model: RTF = score / 11 s of JFK audio.
 *
 * <pre>java -jar stt-bench/target/benchmarks.jar WhisperBenchmark -f 1 -wi 3 -i 5 -t 1</pre>
 * (from the repository root, or with {@code -Dstt.whisper.test.model=DIR})
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class WhisperBenchmark {

    private WhisperEngine engine;
    private float[] jfk;

    @Setup
    public void open() throws Exception {
        Path dir = Path.of(System.getProperty("stt.whisper.test.model", "stt-engine-whisper/src/test/resources/whisper-scripted"));
        if (!Files.isRegularFile(dir.resolve("onnx/encoder_model.onnx"))) {
            throw new IllegalStateException("no scripted Whisper model at " + dir.toAbsolutePath()
                    + "; run from the repository root or set -Dstt.whisper.test.model");
        }
        engine = WhisperEngine.open("whisper-scripted", dir,
                EngineConfig.builder("whisper-scripted").device(Device.CPU).intraThreads(1).build(), WhisperGuards.DEFAULTS);
        jfk = WavReader.read(TestData.speechDir().resolve("jfk.wav")).toMono16k();
    }

    @Benchmark
    public Transcript transcribeJfk() {
        return engine.transcribe(jfk);
    }

    @TearDown
    public void close() {
        engine.close();
    }
}
