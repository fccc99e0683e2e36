package dev.stt.bench;

import dev.stt.audio.Pcm16;
import dev.stt.audio.Resampler;
import dev.stt.audio.WavReader;
import dev.stt.eval.SpeechCorpus;
import dev.stt.eval.TestData;
import dev.stt.protocol.ProtocolException;
import dev.stt.protocol.original.ClientMessage;
import dev.stt.protocol.original.OriginalProtocol;
import dev.stt.whisper.LogMelSpectrogram;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The audio front end and the wire format, on real speech (JFK), one thread: what each costs per unit of
 * audio, to set beside the model's own time.
 *
 * <ul>
 *   <li>{@code resample24kTo16k}, {@code resample48kTo16k}: one second of audio through a streaming
 *       {@link Resampler} (the OpenAI Realtime rate, and a browser's).</li>
 *   <li>{@code logMel80}: Whisper's 80-bin log-mel of one 30 s window.</li>
 *   <li>{@code parseAppend}: one 100 ms {@code input_audio_buffer.append} at 24 kHz (JSON, base64 PCM16)
 *       parsed as the server does, then decoded to samples.</li>
 *   <li>{@code encodeTranscript}: one {@code response.audio_transcript.done} with 3 s of echoed audio.</li>
 * </ul>
 *
 * <pre>java -jar stt-bench/target/benchmarks.jar FrontEndBenchmark -f 1 -wi 3 -i 5 -t 1</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FrontEndBenchmark {

    private float[] second24k;
    private float[] second48k;
    private Resampler from24k;
    private Resampler from48k;
    private LogMelSpectrogram logMel;
    private float[] window30s;
    private String append;
    private String transcript;
    private byte[] echo;

    @Setup
    public void load() throws Exception {
        float[] jfk = WavReader.read(TestData.speechDir().resolve("jfk.wav")).toMono16k();
        float[] second = Arrays.copyOfRange(jfk, 16_000, 32_000);
        second24k = Resampler.resample(second, 16_000, 24_000);
        second48k = Resampler.resample(second, 16_000, 48_000);
        from24k = new Resampler(24_000, 16_000);
        from48k = new Resampler(48_000, 16_000);
        logMel = new LogMelSpectrogram(80);
        window30s = Arrays.copyOf(jfk, LogMelSpectrogram.CHUNK_SAMPLES);
        append = PipelineOverhead.messages(Arrays.copyOf(second, 1_600), 24_000, 100).get(0);
        transcript = "And so, my fellow Americans, ask not what your country can do for you.";
        echo = Pcm16.encode(Arrays.copyOf(jfk, 3 * 16_000));
    }

    @Benchmark
    public float[] resample24kTo16k() {
        return from24k.process(second24k);
    }

    @Benchmark
    public float[] resample48kTo16k() {
        return from48k.process(second48k);
    }

    @Benchmark
    public float[] logMel80() {
        return logMel.compute(window30s);
    }

    @Benchmark
    public float[] parseAppend() throws Exception {
        ClientMessage.Append a = (ClientMessage.Append) OriginalProtocol.parse(append);
        return Pcm16.decode(a.pcm());
    }

    @Benchmark
    public String encodeTranscript() throws ProtocolException {
        return OriginalProtocol.transcriptDone(transcript, echo, 7, 1_000, 4_000);
    }
}
