package dev.stt.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.stt.audio.AudioFiles;
import dev.stt.audio.AudioSource;
import dev.stt.engine.Device;
import dev.stt.engine.EngineConfig;
import dev.stt.engine.SttEngine;
import dev.stt.engine.SttEngines;
import dev.stt.engine.Transcript;
import dev.stt.engine.WordTiming;
import dev.stt.model.ModelStore;
import dev.stt.protocol.subtitle.Subtitles;
import dev.stt.transcribe.FileTranscriber;
import dev.stt.transcribe.FileTranscript;
import dev.stt.transcribe.TranscriptionPolicy;
import dev.stt.vad.SileroVad;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code stt transcribe [--model M] [--format text|json|srt|vtt] [--words] [--threads N] [--device D] [-o DIR] FILE...}:
 * transcribes audio files with {@link FileTranscriber}, the offline policy every door shares (VAD cuts, pauses
 * under a second joined, pieces of at most 20 s, small batches).
 *
 * <p>Output, on stdout unless {@code --output-dir} is given (then one {@code NAME.txt|json|srt|vtt} per file):
 * text prints the transcript, or {@code FILE<TAB>transcript} per line for several files; json prints one
 * object per file and line (JSON Lines); srt and vtt print one cue per speech segment. {@code --words} asks the
 * engine for word times (Moonshine: from its cross-attention, through a second decoder session) and json then
 * gives each segment {@code words: [{word, start, end}]}, in seconds on the file's time line.
 */
final class TranscribeCommand implements Subcommand {

    static final String DEFAULT_MODEL = "moonshine-tiny";
    /** Files at least this long show their progress on stderr. */
    static final double PROGRESS_SECONDS = 60;

    enum Format { TEXT, JSON, SRT, VTT }

    /** The parsed command line. */
    record Options(String model, Format format, int threads, Device device, Path outputDir, boolean quiet, boolean words,
                   List<Path> files) {
    }

    private final PrintStream out;
    private final PrintStream err;

    TranscribeCommand() {
        this(System.out, System.err);
    }

    TranscribeCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public String name() {
        return "transcribe";
    }

    @Override
    public String summary() {
        return "[--model M] [--format text|json|srt|vtt] [--words] [--threads N] [--device cpu|cuda|auto] [-o DIR] FILE...   transcribe audio and video files (any format FFmpeg reads)";
    }

    @Override
    public int run(List<String> args) throws Exception {
        Options o = parse(args);
        // a missing file is said at once, not after the models have loaded
        List<Path> files = new ArrayList<>();
        int failures = 0;
        for (Path file : o.files()) {
            if (Files.isRegularFile(file)) {
                files.add(file);
            } else {
                err.println("stt transcribe: " + file + ": " + (Files.exists(file) ? "not a file" : "no such file"));
                failures++;
            }
        }
        if (files.isEmpty()) {
            return 1;
        }
        ModelStore store = ModelStore.fromEnvironment();
        EngineConfig config = EngineConfig.builder(o.model()).device(o.device()).intraThreads(o.threads()).store(store).build();
        try (SileroVad vad = SileroVad.open(store); SttEngine engine = SttEngines.open(config)) {
            // subtitles cut their cues at word times, so SRT and VTT ask for them too
            TranscriptionPolicy policy = o.words() || o.format() == Format.SRT || o.format() == Format.VTT
                    ? TranscriptionPolicy.DEFAULTS.withTranscribe(TranscriptionPolicy.DEFAULTS.transcribe().withTimestamps(true))
                    : TranscriptionPolicy.DEFAULTS;
            FileTranscriber transcriber = new FileTranscriber(engine, vad, policy);
            for (Path file : files) {
                FileTranscript t;
                try {
                    t = transcribe(transcriber, file, o.quiet() ? null : err);
                } catch (NoSuchFileException e) {
                    err.println("stt transcribe: " + file + ": no such file");
                    failures++;
                    continue;
                } catch (IOException e) {
                    // the decoders' messages name the file already: say it once
                    String why = String.valueOf(e.getMessage());
                    err.println("stt transcribe: " + (why.contains(file.getFileName().toString()) ? why : file + ": " + why));
                    failures++;
                    continue;
                }
                emit(o, file, t);
            }
        }
        return failures == 0 ? 0 : 1;
    }

    static Options parse(List<String> args) throws SttCommand.UsageException {
        Flags f = Flags.parse(args, Set.of("model", "format", "threads", "device", "output-dir"), Set.of("quiet", "words"),
                Map.of("m", "model", "f", "format", "t", "threads", "o", "output-dir", "q", "quiet"));
        Format format;
        String name = f.get("format", "text");
        try {
            format = Format.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SttCommand.UsageException("--format must be text, json, srt or vtt, not '" + name + "'");
        }
        int threads = f.integer("threads", 0);
        if (threads < 0) {
            throw new SttCommand.UsageException("--threads must be a whole number >= 0 (0 = one per core), not '" + threads + "'");
        }
        Device device;
        try {
            device = Device.parse(f.get("device", "cpu"));
        } catch (IllegalArgumentException e) {
            throw new SttCommand.UsageException(e.getMessage());
        }
        Path outputDir = f.has("output-dir") ? Path.of(f.get("output-dir", null)) : null;
        List<Path> files = f.positional.stream().map(Path::of).toList();
        if (files.isEmpty()) {
            throw new SttCommand.UsageException("no input files; usage: stt transcribe [OPTIONS] FILE...");
        }
        if (files.size() > 1 && outputDir == null && (format == Format.SRT || format == Format.VTT)) {
            throw new SttCommand.UsageException(format.name().toLowerCase(Locale.ROOT)
                    + " holds one file's cues: give --output-dir DIR for several files");
        }
        return new Options(f.get("model", DEFAULT_MODEL), format, threads, device, outputDir, f.has("quiet"), f.has("words"), files);
    }

    /**
     * Transcribes one file with the offline policy every door shares.
     *
     * @param progress where progress goes for long files, or null for none
     */
    static FileTranscript transcribe(FileTranscriber transcriber, Path file, PrintStream progress) throws IOException {
        try (AudioSource audio = AudioFiles.open(file)) {
            double declared = audio.declaredSeconds();
            TranscriptionProgress bar = progress != null && declared >= PROGRESS_SECONDS
                    ? new TranscriptionProgress(progress, ProgressBar.stderrIsTerminal(), file.getFileName().toString(), declared)
                    : null;
            FileTranscript t = transcriber.transcribe(audio, piece -> {
                if (bar != null) {
                    bar.show(piece.end());
                }
            });
            if (bar != null) {
                bar.done();
            }
            return t;
        }
    }

    private void emit(Options o, Path file, FileTranscript t) throws IOException {
        String body = switch (o.format()) {
            case TEXT -> o.files().size() > 1 && o.outputDir() == null ? file + "\t" + t.text() + "\n" : t.text() + "\n";
            case JSON -> json(file, t, o.model(), o.words()) + "\n";
            case SRT -> Subtitles.srt(Subtitles.cues(t.cues(), t.words()));
            case VTT -> Subtitles.vtt(Subtitles.cues(t.cues(), t.words()));
        };
        if (o.outputDir() == null) {
            out.print(body);
            out.flush();
            return;
        }
        Files.createDirectories(o.outputDir());
        String name = file.getFileName().toString().replaceFirst("\\.[^.]*$", "") + "." + o.format().name().toLowerCase(Locale.ROOT);
        Path target = o.outputDir().resolve(name);
        Files.writeString(target, body, StandardCharsets.UTF_8);
        out.println(target);
    }

    static String json(Path file, FileTranscript t, String model) throws IOException {
        return json(file, t, model, false);
    }

    /** @param words whether each segment lists its words (asked for with --words) */
    static String json(Path file, FileTranscript t, String model, boolean words) throws IOException {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("file", file.toString());
            g.writeStringField("model", model);
            g.writeNumberField("duration", round(t.durationSeconds()));
            g.writeStringField("text", t.text());
            g.writeArrayFieldStart("segments");
            for (Transcript s : t.segments()) {
                g.writeStartObject();
                g.writeNumberField("start", round(s.start()));
                g.writeNumberField("end", round(s.end()));
                g.writeStringField("text", s.text());
                if (Double.isFinite(s.avgLogProb())) {
                    g.writeNumberField("avg_logprob", round(s.avgLogProb()));
                }
                if (s.suppressed() != null) {
                    g.writeStringField("suppressed", s.suppressed());
                }
                if (words) {
                    g.writeArrayFieldStart("words");
                    for (WordTiming word : s.words()) {
                        g.writeStartObject();
                        g.writeStringField("word", word.word());
                        g.writeNumberField("start", round(word.start()));
                        g.writeNumberField("end", round(word.end()));
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return w.toString();
    }

    private static double round(double x) {
        return Math.round(x * 1000) / 1000.0;
    }
}
