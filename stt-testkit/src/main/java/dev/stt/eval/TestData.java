package dev.stt.eval;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The test data that lives in this repository, under {@code stt-testkit/data}: real speech with reference
 * transcripts ({@code speech/}) and Whisper's reference files ({@code whisper/}). Every module's tests and
 * the benchmarks read it from here, so a fresh clone needs nothing beside it.
 */
public final class TestData {

    private TestData() {
    }

    /** {@code stt-testkit/data/speech}: jfk.wav, librivox/ and librispeech/, each with its transcripts. */
    public static Path speechDir() {
        return dataDir().resolve("speech");
    }

    /** {@code stt-testkit/data/whisper}: tokenizer ranks, mel filters and reference log-mel arrays. */
    public static Path whisperDir() {
        return dataDir().resolve("whisper");
    }

    /** The 11 s JFK recording (16 kHz PCM16, public domain). */
    public static Path jfkWav() {
        return speechDir().resolve("jfk.wav");
    }

    /**
     * The repository root: {@code -Dstt.repo.dir} (set by the build for every module's tests), else the first
     * folder above the working directory that holds {@code stt-testkit/data}.
     */
    public static Path repoDir() {
        String prop = System.getProperty("stt.repo.dir");
        if (prop != null && Files.isDirectory(Path.of(prop, "stt-testkit", "data"))) {
            return Path.of(prop);
        }
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("stt-testkit").resolve("data"))) {
                return p;
            }
        }
        throw new IllegalStateException("stt-testkit/data not found above " + here + " (or set -Dstt.repo.dir)");
    }

    private static Path dataDir() {
        return repoDir().resolve("stt-testkit").resolve("data");
    }
}
