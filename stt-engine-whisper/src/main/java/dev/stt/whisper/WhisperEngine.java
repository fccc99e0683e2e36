package dev.stt.whisper;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.stt.engine.Device;
import dev.stt.engine.EngineConfig;
import dev.stt.engine.SttEngine;
import dev.stt.engine.TimedText;
import dev.stt.engine.TranscribeOptions;
import dev.stt.engine.Transcript;
import dev.stt.onnx.LiveTensors;
import dev.stt.onnx.OnnxSessions;
import dev.stt.onnx.decoder.DecodeRequest;
import dev.stt.onnx.decoder.DecodedSequence;
import dev.stt.onnx.decoder.LogProbabilities;
import dev.stt.onnx.decoder.MergedDecoderLoop;
import dev.stt.onnx.graph.AttentionDecoder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whisper on ONNX Runtime (Hugging Face Optimum export: encoder + merged decoder): log-mel of each 30 s
 * chunk, one encoder run per batch, greedy decoding with Whisper's prompt, timestamp and suppression
 * rules through the shared {@link MergedDecoderLoop} (or beam search when a beam size above 1 is asked,
 * each chunk with its beams as the batch), then the hallucination guards. Segments longer
 * than 30 s are cut into 30 s chunks decoded independently. Thread-safe: the sessions serve concurrent runs.
 */
public final class WhisperEngine implements SttEngine {

    private static final Logger log = LoggerFactory.getLogger(WhisperEngine.class);

    /** Chunks encoded together; bounded so a batch's encoder activations stay modest (large-v3: ~0.5 GB). */
    static final int MAX_BATCH = 8;

    private final String model;
    private final OrtSession encoder;
    private final OrtSession decoder;
    private final MergedDecoderLoop loop;
    private final WhisperBeamSearch beamSearch;
    private final WhisperTokenizer tokenizer;
    private final WhisperModelConfig config;
    private final LogMelSpectrogram logMel;
    private final WhisperGuards guards;
    private final Device device;
    /** The downloaded decoder, from which the attention-exposing copy is made on the first word-timed request. */
    private Path decoderFile;
    /** openai/whisper's per-model alignment heads when generation_config.json lists them, else null. */
    private List<int[]> configuredAlignmentHeads;
    private int decoderThreads;
    /** Opened on the first greedy request that asks for word times; closed with the engine. */
    private AttentionDecoder attention;
    /** Why word times cannot be had from this export (its graph does not compute attention explicitly), or null. */
    private String noAttention;
    private boolean closed;

    /** Whisper's encoder: 2 x 160 samples (20 ms) per frame, 1500 frames per 30 s chunk. */
    static final int SAMPLES_PER_FRAME = 320;

    private WhisperEngine(String model, OrtSession encoder, OrtSession decoder, WhisperTokenizer tokenizer,
                          WhisperModelConfig config, int melBins, WhisperGuards guards, Device device) throws OrtException {
        this.model = model;
        this.encoder = encoder;
        this.decoder = decoder;
        this.loop = new MergedDecoderLoop(decoder);
        this.beamSearch = new WhisperBeamSearch(decoder);
        this.tokenizer = tokenizer;
        this.config = config;
        this.logMel = new LogMelSpectrogram(melBins);
        this.guards = guards;
        this.device = device;
    }

    /**
     * Opens the export in {@code dir}: {@code encoder_model.onnx} and {@code decoder_model_merged.onnx} there or
     * under {@code onnx/}, {@code config.json}, optionally {@code generation_config.json}, and the tokenizer.
     */
    public static WhisperEngine open(String model, Path dir, EngineConfig engineConfig, WhisperGuards guards) throws IOException {
        WhisperModelFiles files = WhisperModelFiles.locate(dir);
        WhisperTokenizer tokenizer = WhisperTokenizer.fromModelDir(dir);
        WhisperModelConfig config = WhisperModelConfig.read(dir, tokenizer);
        OnnxSessions.OpenedSession enc = null;
        try {
            enc = OnnxSessions.open(files.encoder(), engineConfig.device(), engineConfig.intraThreads());
            OnnxSessions.OpenedSession dec = OnnxSessions.open(files.decoder(), engineConfig.device(), engineConfig.intraThreads());
            try {
                int melBins = melBins(enc.session(), config);
                WhisperEngine engine = new WhisperEngine(model, enc.session(), dec.session(), tokenizer, config, melBins, guards, enc.device());
                engine.decoderFile = files.decoder();
                engine.decoderThreads = engineConfig.intraThreads();
                engine.configuredAlignmentHeads = alignmentHeads(dir);
                log.info("whisper model {} loaded from {} ({} mel bins, {}, {} decoder layers, on {})", model, dir, melBins,
                        config.multilingual() ? "multilingual" : "English-only", engine.loop.layerCount(), enc.device());
                return engine;
            } catch (OrtException | RuntimeException e) {
                dec.session().close();
                throw e;
            }
        } catch (OrtException | RuntimeException e) {
            if (enc != null) {
                try {
                    enc.session().close();
                } catch (OrtException ignored) {
                    // the open failure is the error worth reporting
                }
            }
            throw new IOException("cannot open whisper model in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** {@code alignment_heads} of generation_config.json ([[layer, head], ...], as Hugging Face copies openai's), or null. */
    static List<int[]> alignmentHeads(Path dir) {
        Path gen = dir.resolve("generation_config.json");
        if (!java.nio.file.Files.isRegularFile(gen)) {
            return null;
        }
        try {
            com.fasterxml.jackson.databind.JsonNode heads = WhisperTokenizer.readJson(gen).path("alignment_heads");
            if (!heads.isArray() || heads.isEmpty()) {
                return null;
            }
            List<int[]> out = new ArrayList<>();
            for (com.fasterxml.jackson.databind.JsonNode h : heads) {
                out.add(new int[] {h.get(0).asInt(), h.get(1).asInt()});
            }
            return List.copyOf(out);
        } catch (IOException | RuntimeException e) {
            log.debug("no alignment heads in {}: {}", gen, e.getMessage());
            return null;
        }
    }

    /**
     * The heads that time the words: the export's own alignment heads (openai/whisper found them per model),
     * else, as openai/whisper does for a model without them, every head of the second half of the layers.
     * Not measured here: no real Whisper weights are available to this project's tests.
     */
    List<int[]> alignmentHeads(int layers, int heads) {
        if (configuredAlignmentHeads != null) {
            return configuredAlignmentHeads.stream().filter(h -> h[0] < layers && h[1] < heads).toList();
        }
        List<int[]> out = new ArrayList<>();
        for (int l = layers / 2; l < layers; l++) {
            for (int h = 0; h < heads; h++) {
                out.add(new int[] {l, h});
            }
        }
        return out;
    }

    /** Whether the attention decoder has been opened (tests). */
    synchronized boolean attentionDecoderOpen() {
        return attention != null;
    }

    /** The loop over the attention-exposing decoder, or null when this export cannot give attention. */
    synchronized MergedDecoderLoop attentionLoop() {
        if (closed) {
            throw new IllegalStateException("the whisper engine is closed");
        }
        if (attention == null && noAttention == null) {
            try {
                attention = AttentionDecoder.open(decoderFile, device, decoderThreads);
            } catch (IOException e) {
                noAttention = e.getMessage();
                log.info("whisper model {} gives no word times: {}", model, noAttention);
            }
        }
        return attention == null ? null : attention.loop();
    }

    private static int melBins(OrtSession encoder, WhisperModelConfig config) throws OrtException {
        NodeInfo in = encoder.getInputInfo().get("input_features");
        if (in == null) {
            throw new OrtException("the encoder has no input_features input; inputs are " + encoder.getInputInfo().keySet());
        }
        long[] shape = ((TensorInfo) in.getInfo()).getShape();
        if (shape.length != 3) {
            throw new OrtException("input_features should be [batch, mel bins, 3000], is " + Arrays.toString(shape));
        }
        if (shape[1] > 0 && shape[1] != config.melBins()) {
            log.warn("config.json says {} mel bins, the encoder takes {}; using the encoder's", config.melBins(), shape[1]);
        }
        return shape[1] > 0 ? (int) shape[1] : config.melBins();
    }

    @Override
    public java.util.Set<String> languages() {
        return config.multilingual() ? java.util.Set.copyOf(WhisperLanguages.CODES) : java.util.Set.of("en");
    }

    @Override
    public boolean translates() {
        return config.multilingual();
    }

    @Override
    public String model() {
        return model;
    }

    /** Where inference really runs (after any CUDA fallback). */
    public Device device() {
        return device;
    }

    public WhisperTokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public Transcript transcribe(float[] samples, TranscribeOptions options) {
        return transcribeBatch(List.of(samples), options).get(0);
    }

    /** A ≤ 30 s piece of one input segment. */
    private record Chunk(int segment, double offset, float[] samples) {
    }

    @Override
    public List<Transcript> transcribeBatch(List<float[]> segments, TranscribeOptions options) {
        WhisperPrompt prompt = WhisperPrompt.build(tokenizer, config.multilingual(), options.language(), options.translate(),
                options.timestamps(), options.prompt(), config.maxTargetPositions());
        List<Chunk> chunks = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) {
            float[] s = segments.get(i);
            if (s == null) {
                throw new IllegalArgumentException("segment " + i + " is null");
            }
            int from = 0;
            do {
                int to = Math.min(s.length, from + LogMelSpectrogram.CHUNK_SAMPLES);
                chunks.add(new Chunk(i, from / (double) SAMPLE_RATE, Arrays.copyOfRange(s, from, to)));
                from = to;
            } while (from < s.length);
        }
        List<Transcript> chunkResults = new ArrayList<>(chunks.size());
        for (int from = 0; from < chunks.size(); from += MAX_BATCH) {
            chunkResults.addAll(runBatch(chunks.subList(from, Math.min(chunks.size(), from + MAX_BATCH)), prompt, options.beamSize(),
                    options.timestamps()));
        }
        List<Transcript> out = new ArrayList<>(segments.size());
        for (int i = 0; i < segments.size(); i++) {
            List<Transcript> parts = new ArrayList<>();
            for (int c = 0; c < chunks.size(); c++) {
                if (chunks.get(c).segment() == i) {
                    parts.add(chunkResults.get(c).shiftedBy(chunks.get(c).offset()));
                }
            }
            out.add(join(parts, segments.get(i).length / (double) SAMPLE_RATE));
        }
        return out;
    }

    private List<Transcript> runBatch(List<Chunk> chunks, WhisperPrompt prompt, int beamSize, boolean words) {
        int batch = chunks.size();
        int melBins = logMel.melBins();
        float[] features = new float[batch * melBins * LogMelSpectrogram.FRAMES];
        for (int r = 0; r < batch; r++) {
            logMel.compute(chunks.get(r).samples(), features, r * melBins * LogMelSpectrogram.FRAMES);
        }
        int maxNew = Math.max(1, Math.min(config.maxTargetPositions() / 2, config.maxTargetPositions() - prompt.sampleBegin()));
        int[] maxTokens = new int[batch];
        Arrays.fill(maxTokens, prompt.forced().length + maxNew);
        double[] noSpeech = new double[batch];
        WhisperSpecialTokens s = tokenizer.specialTokens();
        double[] languageLogProb = new double[batch];
        boolean detect = prompt.forced().length > 0 && prompt.forced()[0] == WhisperPrompt.DETECT_LANGUAGE;
        int[] languageIds = s.languages().values().stream().mapToInt(Integer::intValue).filter(id -> id < loop.vocabulary()).toArray();
        DecodeRequest.FirstStepListener atStartOfTranscript = (row, logits) -> {
            noSpeech[row] = s.noSpeech() < logits.length ? Math.exp(logits[s.noSpeech()] - LogProbabilities.logSumExp(logits, 0, logits.length)) : Double.NaN;
            if (detect && languageIds.length > 0) {
                languageLogProb[row] = languageChoiceLogProb(logits, languageIds);
            }
        };
        DecodeRequest request = new DecodeRequest(prompt.prefix(), new long[] {s.endOfText()}, maxTokens,
                new WhisperLogitsRules(prompt, s, config), atStartOfTranscript);
        try (LiveTensors scope = new LiveTensors()) {
            OnnxTensor input = scope.floats(features, batch, melBins, LogMelSpectrogram.FRAMES);
            OrtSession.Result encoded = scope.run(encoder, Map.of("input_features", input));
            OnnxTensor hidden = (OnnxTensor) encoded.get("last_hidden_state")
                    .orElseThrow(() -> new IllegalStateException("the encoder has no last_hidden_state output"));
            List<DecodedSequence> decoded;
            // word times ride on greedy decoding only: the beam search keeps no attention
            MergedDecoderLoop wordLoop = words && beamSize <= 1 ? attentionLoop() : null;
            if (beamSize <= 1) {
                decoded = (wordLoop != null ? wordLoop : loop).greedy(hidden, request);
            } else {
                long[] shape = hidden.getInfo().getShape();
                float[] all = new float[(int) (shape[0] * shape[1] * shape[2])];
                hidden.getFloatBuffer().get(all);
                int rowSize = (int) (shape[1] * shape[2]);
                decoded = new ArrayList<>(batch);
                for (int r = 0; r < batch; r++) {
                    float[] row = Arrays.copyOfRange(all, r * rowSize, (r + 1) * rowSize);
                    decoded.add(beamSearch.search(row, shape[1], shape[2], r, request, beamSize, prompt.forced().length));
                }
            }
            List<Transcript> out = new ArrayList<>(batch);
            for (int r = 0; r < batch; r++) {
                Transcript t = toTranscript(decoded.get(r), prompt, noSpeech[r], languageLogProb[r], chunks.get(r).samples().length / (double) SAMPLE_RATE);
                DecodedSequence d = decoded.get(r);
                if (wordLoop != null && t.suppressed() == null && !t.text().isEmpty() && d.attention() != null) {
                    int samples = chunks.get(r).samples().length;
                    List<dev.stt.engine.WordTiming> timed = dev.stt.onnx.align.WordTimer.time(d,
                            tokenWords(d.tokens(), Math.min(prompt.forced().length, d.tokens().length)),
                            alignmentHeads(d.attention().layers().size(), d.attention().heads()),
                            Math.min(LogMelSpectrogram.FRAMES / 2, (samples + SAMPLES_PER_FRAME - 1) / SAMPLES_PER_FRAME),
                            SAMPLES_PER_FRAME / (double) SAMPLE_RATE, t.end());
                    t = new Transcript(t.text(), t.language(), t.start(), t.end(), t.segments(), timed, t.avgLogProb(),
                            t.noSpeechProb(), t.suppressed());
                }
                out.add(t);
            }
            return out;
        } catch (OrtException e) {
            throw new IllegalStateException("whisper inference failed: " + e.getMessage(), e);
        }
    }

    /**
     * The words of a decoded row: after the forced tokens, a text token whose bytes start with a space starts
     * a word (GPT-2 byte-level BPE), control and timestamp tokens belong to no word, punctuation joins its
     * neighbour.
     */
    List<dev.stt.onnx.align.WordTimer.TokenWord> tokenWords(long[] tokens, int forced) {
        List<dev.stt.onnx.align.WordTimer.TokenWord> words = new ArrayList<>();
        int from = -1;
        for (int i = forced; i <= tokens.length; i++) {
            byte[] b = i < tokens.length ? tokenizer.bytesOf(tokens[i]) : null;
            boolean text = b != null && !tokenizer.isSpecial(tokens[i]) && !tokenizer.specialTokens().isTimestamp(tokens[i]);
            boolean starts = text && b.length > 0 && b[0] == ' ';
            if (from >= 0 && (!text || starts)) {
                String w = tokenizer.decode(Arrays.copyOfRange(tokens, from, i)).strip();
                if (!w.isEmpty()) {
                    words.add(new dev.stt.onnx.align.WordTimer.TokenWord(w, from, i));
                }
                from = -1;
            }
            if (text && from < 0) {
                from = i;
            }
        }
        return dev.stt.onnx.align.WordTimer.attachPunctuation(words);
    }

    /** Log-probability of the detected language among the language tokens (what the loop added for that step). */
    private static double languageChoiceLogProb(float[] logits, int[] languageIds) {
        float[] langs = new float[languageIds.length];
        float best = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < languageIds.length; i++) {
            langs[i] = logits[languageIds[i]];
            best = Math.max(best, langs[i]);
        }
        return best - LogProbabilities.logSumExp(langs, 0, langs.length);
    }

    private Transcript toTranscript(DecodedSequence d, WhisperPrompt prompt, double noSpeechProb, double languageLogProb, double seconds) {
        WhisperSpecialTokens s = tokenizer.specialTokens();
        long[] tokens = d.tokens();
        int forced = Math.min(prompt.forced().length, tokens.length);
        String language = config.multilingual() && forced > 0 ? s.languageOf(tokens[0]) : "en";
        long[] sampled = Arrays.copyOfRange(tokens, forced, tokens.length);
        // Forced tokens add nothing to the sum (only they were allowed); a detected language's choice does and
        // is taken out, so the mean covers the sampled tokens and end of text, as openai/whisper's does.
        double avgLogProb = (d.sumLogProb() - languageLogProb) / (sampled.length + 1);
        WhisperSegments.Result parsed = WhisperSegments.parse(sampled, tokenizer, seconds);
        String reason = guards.reason(parsed.text(), noSpeechProb, avgLogProb);
        if (reason == null && !d.stopped() && parsed.text().isEmpty()) {
            reason = "no text before the token limit";
        }
        if (reason != null) {
            log.debug("withheld a {}-token decode: {}", sampled.length, reason);
            return new Transcript("", language, 0, seconds, List.of(), List.of(), avgLogProb, noSpeechProb, reason);
        }
        List<TimedText> segments = prompt.timestamps() ? parsed.segments() : List.of();
        return new Transcript(parsed.text(), language, 0, seconds, segments, List.of(), avgLogProb, noSpeechProb, null);
    }

    private static Transcript join(List<Transcript> parts, double seconds) {
        if (parts.size() == 1) {
            Transcript t = parts.get(0);
            return new Transcript(t.text(), t.language(), 0, seconds, t.segments(), t.words(), t.avgLogProb(), t.noSpeechProb(), t.suppressed());
        }
        StringBuilder text = new StringBuilder();
        List<TimedText> segments = new ArrayList<>();
        List<dev.stt.engine.WordTiming> words = new ArrayList<>();
        String suppressed = null;
        double logProb = 0;
        for (Transcript p : parts) {
            if (!p.text().isEmpty()) {
                text.append(text.isEmpty() ? "" : " ").append(p.text());
            } else if (suppressed == null) {
                suppressed = p.suppressed();
            }
            segments.addAll(p.segments());
            words.addAll(p.words());
            logProb += p.avgLogProb();
        }
        Transcript first = parts.get(0);
        return new Transcript(text.toString(), first.language(), 0, seconds, segments, words, logProb / parts.size(),
                first.noSpeechProb(), text.isEmpty() ? suppressed : null);
    }

    @Override
    public void close() {
        AttentionDecoder a;
        synchronized (this) {
            closed = true;
            a = attention;
            attention = null;
        }
        try (OrtSession e = encoder; OrtSession d = decoder; AttentionDecoder w = a) {
            log.debug("closing whisper model {}", model);
        } catch (OrtException e) {
            throw new IllegalStateException("cannot close whisper sessions", e);
        }
    }
}
