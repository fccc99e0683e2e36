package dev.stt.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.stt.audio.AudioClip;
import dev.stt.audio.WavReader;
import dev.stt.engine.Device;
import dev.stt.engine.EngineConfig;
import dev.stt.engine.SttEngine;
import dev.stt.engine.SttEngines;
import dev.stt.engine.TranscribeOptions;
import dev.stt.engine.Transcript;
import dev.stt.model.ModelStore;
import dev.stt.segment.SpeechSegment;
import dev.stt.segment.VadOptions;
import dev.stt.vad.SileroVad;
import dev.stt.vad.SpeechSegments;
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
import java.util.stream.Collectors;

/**
 * {@code stt transcribe [--model M] [--format text|json|srt|vtt] [--threads N] [--device D] [-o DIR] FILE...}:
 * reads WAV files, cuts them at pauses with Silero VAD (the models lose words past about 30 s), joins
 * speech separated by short pauses back into pieces of up to 20 s and transcribes every piece.
 *
 * <p>Output, on stdout unless {@code --output-dir} is given (then one {@code NAME.txt|json|srt|vtt} per file):
 * text prints the transcript, or {@code FILE<TAB>transcript} per line for several files; json prints one
 * object per file and line (JSON Lines); srt and vtt print one cue per speech segment.
 */
final class TranscribeCommand implements Subcommand {

    static final String DEFAULT_MODEL = "moonshine-tiny";
    /** Well under the ~30 s past which Moonshine drops words; VAD splits longer speech at its quietest point. */
    static final VadOptions VAD = VadOptions.DEFAULTS.withMaxSegmentSeconds(20);
    /**
     * Speech segments closer than this are transcribed as one: a phrase cut out alone loses the context
     * the model needs (JFK cut at every 0.5 s pause reads "As not. What your country..."), and offline
     * there is no latency to win by cutting early.
     */
    static final double JOIN_GAP_SECONDS = 1.0;
    /** Joined speech stays this short, well under the ~30 s past which Moonshine drops words. */
    static final double JOINED_MAX_SECONDS = 20;
    /** Segments handed to the engine at once: enough to batch similar lengths, few enough for a lively progress bar. */
    static final int SEGMENTS_PER_CALL = 8;
    /** Files at least this long show a progress bar on stderr. */
    static final double PROGRESS_SECONDS = 60;

    enum Format { TEXT, JSON, SRT, VTT }

    /** The parsed command line. */
    record Options(String model, Format format, int threads, Device device, Path outputDir, boolean quiet, List<Path> files) {
    }

    /** One file's speech segments and what was said in each, on the file's time line. */
    record FileTranscript(Path file, double durationSeconds, List<Transcript> segments) {

        String text() {
            return segments.stream().map(Transcript::text).filter(t -> !t.isBlank()).collect(Collectors.joining(" "));
        }
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
        return "[--model M] [--format text|json|srt|vtt] [--threads N] [--device cpu|cuda|auto] [-o DIR] FILE...   transcribe WAV files";
    }

    @Override
    public int run(List<String> args) throws Exception {
        Options o = parse(args);
        ModelStore store = ModelStore.fromEnvironment();
        EngineConfig config = EngineConfig.builder(o.model()).device(o.device()).intraThreads(o.threads()).store(store).build();
        int failures = 0;
        try (SileroVad vad = SileroVad.open(store); SttEngine engine = SttEngines.open(config)) {
            for (Path file : o.files()) {
                FileTranscript t;
                try {
                    t = transcribe(engine, vad, file, o.quiet() ? null : err);
                } catch (NoSuchFileException e) {
                    err.println("stt transcribe: " + file + ": no such file");
                    failures++;
                    continue;
                } catch (IOException e) {
                    err.println("stt transcribe: " + file + ": " + e.getMessage());
                    failures++;
                    continue;
                }
                emit(o, t);
            }
        }
        return failures == 0 ? 0 : 1;
    }

    static Options parse(List<String> args) throws SttCommand.UsageException {
        String model = DEFAULT_MODEL;
        Format format = Format.TEXT;
        int threads = 0;
        Device device = Device.CPU;
        Path outputDir = null;
        boolean quiet = false;
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--model", "-m" -> model = value(args, ++i, a);
                case "--format", "-f" -> {
                    String f = value(args, ++i, a);
                    try {
                        format = Format.valueOf(f.toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw new SttCommand.UsageException("--format must be text, json, srt or vtt, not '" + f + "'");
                    }
                }
                case "--threads", "-t" -> {
                    String n = value(args, ++i, a);
                    try {
                        threads = Integer.parseInt(n);
                    } catch (NumberFormatException e) {
                        threads = -1;
                    }
                    if (threads < 0) {
                        throw new SttCommand.UsageException("--threads must be a whole number >= 0 (0 = one per core), not '" + n + "'");
                    }
                }
                case "--device" -> {
                    try {
                        device = Device.parse(value(args, ++i, a));
                    } catch (IllegalArgumentException e) {
                        throw new SttCommand.UsageException(e.getMessage());
                    }
                }
                case "--output-dir", "-o" -> outputDir = Path.of(value(args, ++i, a));
                case "--quiet", "-q" -> quiet = true;
                default -> {
                    if (a.startsWith("-") && a.length() > 1) {
                        throw new SttCommand.UsageException("unknown option '" + a + "'");
                    }
                    files.add(Path.of(a));
                }
            }
        }
        if (files.isEmpty()) {
            throw new SttCommand.UsageException("no input files; usage: stt transcribe [OPTIONS] FILE...");
        }
        if (files.size() > 1 && outputDir == null && (format == Format.SRT || format == Format.VTT)) {
            throw new SttCommand.UsageException(format.name().toLowerCase(Locale.ROOT)
                    + " holds one file's cues: give --output-dir DIR for several files");
        }
        return new Options(model, format, threads, device, outputDir, quiet, List.copyOf(files));
    }

    private static String value(List<String> args, int i, String option) throws SttCommand.UsageException {
        if (i >= args.size()) {
            throw new SttCommand.UsageException(option + " needs a value");
        }
        return args.get(i);
    }

    /**
     * Decodes, resamples to 16 kHz, cuts at pauses and transcribes one file.
     *
     * @param progress where a progress bar goes for long files, or null for none
     */
    static FileTranscript transcribe(SttEngine engine, SileroVad vad, Path file, PrintStream progress) throws IOException {
        AudioClip clip = WavReader.read(file);
        float[] pcm = clip.toMono16k();
        double duration = pcm.length / (double) SttEngine.SAMPLE_RATE;
        List<SpeechSegment> speech = join(SpeechSegments.detect(vad, pcm, SttEngine.SAMPLE_RATE, VAD), pcm);
        ProgressBar bar = progress != null && duration >= PROGRESS_SECONDS ? new ProgressBar(progress, file, duration) : null;
        List<Transcript> heard = new ArrayList<>(speech.size());
        for (int from = 0; from < speech.size(); from += SEGMENTS_PER_CALL) {
            List<SpeechSegment> group = speech.subList(from, Math.min(speech.size(), from + SEGMENTS_PER_CALL));
            List<Transcript> ts = engine.transcribeBatch(group.stream().map(SpeechSegment::samples).toList(), TranscribeOptions.DEFAULTS);
            for (int k = 0; k < group.size(); k++) {
                heard.add(ts.get(k).shiftedBy(group.get(k).startSeconds()));
            }
            if (bar != null) {
                bar.show(group.get(group.size() - 1).endSeconds());
            }
        }
        if (bar != null) {
            bar.done();
        }
        return new FileTranscript(file, duration, heard);
    }

    /**
     * Merges neighbouring segments whose pause is under {@link #JOIN_GAP_SECONDS} while the result stays
     * within {@link #JOINED_MAX_SECONDS}; the pause audio between them is kept as recorded.
     */
    static List<SpeechSegment> join(List<SpeechSegment> segments, float[] pcm) {
        List<SpeechSegment> out = new ArrayList<>();
        int rate = SttEngine.SAMPLE_RATE;
        long start = -1;
        long end = -1;
        for (SpeechSegment s : segments) {
            boolean fits = start >= 0 && s.startSample() - end < JOIN_GAP_SECONDS * rate
                    && s.endSample() - start <= JOINED_MAX_SECONDS * rate;
            if (fits) {
                end = Math.max(end, s.endSample());
                continue;
            }
            if (start >= 0) {
                out.add(slice(pcm, start, end));
            }
            start = s.startSample();
            end = s.endSample();
        }
        if (start >= 0) {
            out.add(slice(pcm, start, end));
        }
        return out;
    }

    private static SpeechSegment slice(float[] pcm, long start, long end) {
        int from = (int) Math.max(0, start);
        int to = (int) Math.min(pcm.length, end);
        return new SpeechSegment(java.util.Arrays.copyOfRange(pcm, from, to), SttEngine.SAMPLE_RATE, from);
    }

    private void emit(Options o, FileTranscript t) throws IOException {
        String body = switch (o.format()) {
            case TEXT -> o.files().size() > 1 && o.outputDir() == null ? t.file() + "\t" + t.text() + "\n" : t.text() + "\n";
            case JSON -> json(t, o.model()) + "\n";
            case SRT -> srt(t);
            case VTT -> vtt(t);
        };
        if (o.outputDir() == null) {
            out.print(body);
            out.flush();
            return;
        }
        Files.createDirectories(o.outputDir());
        String name = t.file().getFileName().toString().replaceFirst("\\.[^.]*$", "") + "." + o.format().name().toLowerCase(Locale.ROOT);
        Path target = o.outputDir().resolve(name);
        Files.writeString(target, body, StandardCharsets.UTF_8);
        out.println(target);
    }

    static String srt(FileTranscript t) {
        StringBuilder b = new StringBuilder();
        int cue = 0;
        for (Transcript s : spoken(t)) {
            b.append(++cue).append('\n')
                    .append(timestamp(s.start(), ',')).append(" --> ").append(timestamp(s.end(), ',')).append('\n')
                    .append(s.text()).append("\n\n");
        }
        return b.toString();
    }

    static String vtt(FileTranscript t) {
        StringBuilder b = new StringBuilder("WEBVTT\n\n");
        for (Transcript s : spoken(t)) {
            b.append(timestamp(s.start(), '.')).append(" --> ").append(timestamp(s.end(), '.')).append('\n')
                    .append(s.text()).append("\n\n");
        }
        return b.toString();
    }

    /** Cues only for segments that produced text: a withheld hallucination leaves no empty cue behind. */
    private static List<Transcript> spoken(FileTranscript t) {
        return t.segments().stream().filter(s -> !s.text().isBlank()).toList();
    }

    /** {@code HH:MM:SS,mmm} (SRT) or {@code HH:MM:SS.mmm} (WebVTT). */
    static String timestamp(double seconds, char decimal) {
        long ms = Math.round(seconds * 1000);
        return String.format(Locale.ROOT, "%02d:%02d:%02d%c%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, decimal, ms % 1000);
    }

    static String json(FileTranscript t, String model) throws IOException {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("file", t.file().toString());
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

    /** A one-line bar redrawn in place with carriage returns. */
    private static final class ProgressBar {
        private static final int WIDTH = 30;
        private final PrintStream err;
        private final String name;
        private final double total;

        ProgressBar(PrintStream err, Path file, double total) {
            this.err = err;
            this.name = file.getFileName().toString();
            this.total = total;
        }

        void show(double seconds) {
            double f = Math.min(1, seconds / total);
            int filled = (int) Math.round(f * WIDTH);
            err.printf(Locale.ROOT, "\r%s [%s%s] %3.0f%% %.0f/%.0f s", name, "=".repeat(filled), " ".repeat(WIDTH - filled),
                    100 * f, Math.min(seconds, total), total);
            err.flush();
        }

        void done() {
            show(total);
            err.println();
        }
    }
}
