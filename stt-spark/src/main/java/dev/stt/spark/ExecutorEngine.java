package dev.stt.spark;

import dev.stt.engine.EngineConfig;
import dev.stt.engine.SttEngine;
import dev.stt.engine.SttEngines;
import dev.stt.model.ModelManifest;
import dev.stt.model.ModelStore;
import dev.stt.transcribe.FileTranscriber;
import dev.stt.transcribe.TranscriptionPolicy;
import dev.stt.vad.SileroVad;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One engine and one VAD per executor JVM, opened on first use from the model store and shared by every task
 * that runs in that JVM (engines and {@link FileTranscriber} are thread-safe; each call has its own state).
 * Closed when the JVM exits. A task that asks for another {@link EngineSpec} than the one loaded (a second job
 * in the same session with another model) closes the old one first, once no task is using it.
 */
public final class ExecutorEngine {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorEngine.class);

    /** How many times this JVM opened an engine: the tests check it stays at one per job. */
    static final AtomicInteger OPENED = new AtomicInteger();

    private static Loaded loaded;
    private static boolean hookAdded;

    /** An engine ready for files, with what to write in the rows' model columns. */
    public record Loaded(EngineSpec spec, SttEngine engine, SileroVad vad, FileTranscriber transcriber,
                         String modelName, String modelVersion) implements AutoCloseable {
        @Override
        public void close() {
            try {
                engine.close();
            } finally {
                vad.close();
            }
        }
    }

    private ExecutorEngine() {
    }

    /** The engine this JVM shares, opened now if it is not open yet (or was opened for another spec). */
    public static synchronized Loaded get(EngineSpec spec) throws IOException {
        if (loaded != null && loaded.spec().equals(spec)) {
            return loaded;
        }
        if (loaded != null) {
            loaded.close();
            loaded = null;
        }
        long t0 = System.nanoTime();
        ModelStore store = store(spec.modelsDir());
        EngineConfig config = EngineConfig.builder(spec.model()).intraThreads(spec.intraThreads()).store(store).build();
        SileroVad vad = SileroVad.open(store);
        SttEngine engine;
        try {
            engine = SttEngines.open(config);
        } catch (IOException | RuntimeException e) {
            vad.close();
            throw e;
        }
        loaded = new Loaded(spec, engine, vad, new FileTranscriber(engine, vad, TranscriptionPolicy.DEFAULTS),
                engine.model(), version(store, spec.model()));
        OPENED.incrementAndGet();
        if (!hookAdded) {
            hookAdded = true;
            Runtime.getRuntime().addShutdownHook(new Thread(ExecutorEngine::closeNow, "stt-engine-close"));
        }
        LOG.info("opened {} ({} intra-op threads) from {} in {} ms", spec.model(), spec.intraThreads(), store.root(),
                (System.nanoTime() - t0) / 1_000_000);
        return loaded;
    }

    /** Closes the shared engine (tests, JVM exit). */
    public static synchronized void closeNow() {
        if (loaded != null) {
            loaded.close();
            loaded = null;
        }
    }

    /**
     * The model store: the job's directory when given, resolved against the files Spark shipped to this
     * executor ({@code --archives models.tgz#models} then {@code --conf spark.stt.modelsDir=models}) when it is
     * a relative path that exists there; else {@code STT_MODELS_DIR} / {@code ~/.cache/stt}. Models missing
     * from the store are downloaded on first use unless {@code STT_OFFLINE=1}.
     */
    static ModelStore store(String modelsDir) {
        ModelStore env = ModelStore.fromEnvironment();
        if (modelsDir == null || modelsDir.isBlank()) {
            return env;
        }
        Path dir = Path.of(modelsDir);
        if (!dir.isAbsolute() && !Files.isDirectory(dir)) {
            try {
                Path shipped = Path.of(SparkFiles.get(modelsDir));
                if (Files.isDirectory(shipped)) {
                    dir = shipped;
                }
            } catch (RuntimeException e) {
                // no SparkEnv (plain JVM): the path stays relative to the working directory
            }
        }
        return new ModelStore(dir).offline(env.isOffline());
    }

    /**
     * The model's version: the first 12 hex digits of the sha256 over the sha256 of each of its files, as the
     * manifest pins them, so two runs with the same weights say the same; null for a model without manifest.
     */
    static String version(ModelStore store, String model) {
        try {
            ModelManifest m = store.manifest(model);
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (ModelManifest.ModelFile f : m.files()) {
                d.update((f.name() + "=" + f.sha256() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(d.digest()).substring(0, 12);
        } catch (IOException | RuntimeException | NoSuchAlgorithmException e) {
            return null;
        }
    }
}
