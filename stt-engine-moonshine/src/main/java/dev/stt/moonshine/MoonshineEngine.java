package dev.stt.moonshine;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.stt.engine.Device;
import dev.stt.engine.EngineConfig;
import dev.stt.engine.SttEngine;
import dev.stt.engine.TranscribeOptions;
import dev.stt.engine.Transcript;
import dev.stt.engine.WordTiming;
import dev.stt.onnx.align.WordTimer;
import dev.stt.onnx.LiveTensors;
import dev.stt.onnx.OnnxSessions;
import dev.stt.onnx.decoder.DecodeRequest;
import dev.stt.onnx.decoder.DecodedSequence;
import dev.stt.onnx.decoder.LogProbabilities;
import dev.stt.onnx.decoder.LogitsFilter;
import dev.stt.onnx.decoder.MergedDecoderLoop;
import dev.stt.onnx.graph.AttentionDecoder;
import dev.stt.onnx.graph.QuantizedLogits;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moonshine on ONNX Runtime: the encoder reads raw 16 kHz samples (no log-mel), the merged decoder
 * generates SentencePiece tokens greedily. Thread-safe: ONNX sessions serve concurrent runs.
 */
public final class MoonshineEngine implements SttEngine {

    private static final Logger log = LoggerFactory.getLogger(MoonshineEngine.class);

    static final long START_OF_TEXT = 1;
    static final long END_OF_TEXT = 2;
    /** Moonshine's reference rule: about six tokens per second of speech stops runaway loops. */
    static final double TOKENS_PER_SECOND = 6;
    /** Short utterances still need room for their words (the reference rule cuts some off). */
    static final int MIN_TOKENS = 16;
    /** Segments batched together differ in length by at most this factor, so padding changes little. */
    static final double BATCH_LENGTH_RATIO = 1.2;
    static final int MAX_BATCH = 8;
    /** The encoder's convolutions need some audio; shorter segments are padded to this. */
    static final int MIN_SAMPLES = SAMPLE_RATE / 4;

    /**
     * The VAD already judged the segment to be speech, and Moonshine tiny sometimes ends a short
     * utterance before its first word when it is padded with silence: end of text may not come first.
     * (Whisper's suppress-blank rule does the same.) A segment that really holds no words then decodes
     * to a low-probability token or a loop, which the guards catch.
     */
    private static final LogitsFilter NO_EMPTY_START = (row, step, tokens, logits) -> {
        if (step == 0) {
            logits[(int) END_OF_TEXT] = Float.NEGATIVE_INFINITY;
        }
    };

    /**
     * Whisper's no-speech rule, on Moonshine's first-step end-of-text probability: above 0.6 with an
     * average log-probability under -1 the words are a guess. Measured here: white noise and a tone
     * give p=0.996-0.999 and -2.8 or below; the shared clips behind a second of silence reach p=0.96 but
     * stay above -0.5.
     */
    static final double NO_SPEECH_PROB = 0.6;
    static final double NO_SPEECH_LOG_PROB = -1.0;

    /**
     * A provisional decode (interim text) is sure of its words up to the first whose tokens' mean probability
     * is under this. Measured on the ten clips with decodes at 1.5, 3, 6 and 12 s of each (InterimPolicy in
     * stt-bench): words at 0.8 and 0.9 gave 2.6 deltas per clip and WER 1.99 %, as whole decodes do; stopping instead
     * at the first token of probability 0.5 or less settled "I'm less" for "Unless" from a turn's first 1.5 s (WER
     * 3.31 %), and tokens at 0.6-0.9 held back most decodes from their first word on (2.0-2.1 deltas per clip).
     */
    static final double SURE_WORD = 0.9;

    private final String model;
    private final OrtSession encoder;
    private final OrtSession decoder;
    /**
     * One token's decoder step is a few hundred small operators: handing them to a second thread costs
     * more than it saves (jfk.wav decodes about 20 % faster on one thread than on two), while the
     * encoder's large matrix products do scale. So the encoder gets the configured threads, the decoder one.
     */
    public static final int DECODER_THREADS = 1;

    private final MergedDecoderLoop loop;
    private final SentencePieceVocabulary vocabulary;
    /** The downloaded decoder: the attention-exposing copy is made from it on the first word-timed request. */
    private final Path decoderFile;
    private final dev.stt.engine.Device device;
    /**
     * The decoder whose graph also outputs its cross-attention ({@link dev.stt.onnx.graph.AttentionGraph}), opened on the first
     * request that asks for word times and closed with the engine; requests without them never touch it.
     */
    private AttentionDecoder attention;
    private boolean closed;

    /**
     * Moonshine's encoder turns 384 samples (24 ms at 16 kHz) into one frame: convolutions of stride 64, 3
     * and 2 (kernels 127, 7, 3). {@link #encoderFrames} is their output length; the engine test checks it
     * against the encoder's.
     */
    static final int SAMPLES_PER_FRAME = 384;

    /**
     * The (layer, head) pairs whose cross-attention times the words: all heads of layers 4 and 5, chosen by
     * measurement against Vosk's word times on the repo's ten clips (MoonshineWordTimesTest#measureLayerChoices
     * prints the table; 138 of Vosk's 151 words matched). Absolute errors in ms, first row refined at 0.9:
     * <pre>
     * heads        start mean  median  p90   end mean  median  p90
     * layer 0          247      216    414     246      222    414
     * layer 1          280      252    450     262      240    414
     * layer 2          160      138    294     159      138    282
     * layer 3          109       84    180      99       72    174
     * layer 4           73       48    132      71       48    132
     * layer 5           65       42    144      75       42    156
     * layers 3-5        73       48    126      71       48    114
     * layers 4-5        63       48    120      69       42    120   (chosen)
     * layers 2-5        73       54    126      70       48    114
     * all layers        87       72    138      83       66    132
     * </pre>
     * The best eight single heads together (L3H5 L3H7 L4H1 L4H7 L5H1 L5H4 L5H6 L5H7) measured 62/42/120 and
     * 67/42/114: no better than whole layers within what ten clips can tell, and picked on the same clips,
     * so the engine keeps the two whole layers. The early layers attend by position, not by sound.
     */
    static final List<int[]> ALIGNMENT_HEADS = heads(4, 5);

    /**
     * The heads that place a segment's first word start (see WordTimer.FIRST_ROW_FRACTION): layer 2, whose
     * attention rises where the first word does better than the later layers' (that place the other words
     * better). Mean first-word start error over the ten clips, ms, by the first row's heads and fraction:
     * <pre>
     * first row     0.50  0.75  0.90  0.95
     * layers 4-5     272   212   166   137
     * layers 0-2     188   145   119   115
     * layer 0        197   155   124   110
     * layer 2        169   128   106    93   (0.90 chosen: 0.95 sits at the top of the rise)
     * all layers     255   185   137   111
     * </pre>
     * Without the refinement every path starts at frame 0: 315 ms. The other words do not move.
     */
    static final List<int[]> FIRST_WORD_HEADS = heads(2);

    static List<int[]> heads(int... layers) {
        List<int[]> out = new ArrayList<>();
        for (int l : layers) {
            for (int h = 0; h < 8; h++) {
                out.add(new int[] {l, h});
            }
        }
        return List.copyOf(out);
    }

    private MoonshineEngine(String model, OrtSession encoder, OrtSession decoder, SentencePieceVocabulary vocabulary,
                            Path decoderFile, dev.stt.engine.Device device) throws OrtException {
        this.model = model;
        this.encoder = encoder;
        this.decoder = decoder;
        this.loop = new MergedDecoderLoop(decoder);
        this.vocabulary = vocabulary;
        this.decoderFile = decoderFile;
        this.device = device;
    }

    /** Opens the model in {@code dir} (encoder_model.onnx, decoder_model_merged.onnx, llama-tokenizer.js). */
    public static MoonshineEngine open(String model, Path dir, EngineConfig config) throws IOException {
        SentencePieceVocabulary vocabulary = SentencePieceVocabulary.fromLlamaTokenizerJs(dir.resolve("llama-tokenizer.js"));
        OrtSession encoder = null;
        try {
            OnnxSessions.OpenedSession encoding = OnnxSessions.open(dir.resolve("encoder_model.onnx"), config.device(), config.intraThreads());
            encoder = encoding.session();
            // where the encoder found no GPU, neither will the decoder: asked for the CPU, it computes its logits in int8
            Device decoderDevice = encoding.device() == Device.CPU ? Device.CPU : config.device();
            OnnxSessions.OpenedSession opened = QuantizedLogits.open(dir.resolve("decoder_model_merged.onnx"), decoderDevice, DECODER_THREADS);
            OrtSession decoder = opened.session();
            try {
                MoonshineEngine engine = new MoonshineEngine(model, encoder, decoder, vocabulary,
                        dir.resolve("decoder_model_merged.onnx"), opened.device());
                log.info("moonshine model {} loaded from {}", model, dir);
                return engine;
            } catch (OrtException e) {
                decoder.close();
                throw e;
            }
        } catch (OrtException e) {
            closeQuietly(encoder);
            throw new IOException("cannot open moonshine model in " + dir + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            closeQuietly(encoder); // the decoder's graph could not be read for its int8 logits
            throw e;
        }
    }

    private static void closeQuietly(OrtSession session) {
        if (session != null) {
            try {
                session.close();
            } catch (OrtException ignored) {
                // the open failure is the error worth reporting
            }
        }
    }

    /** Provisional decodes end at their token budget and tell the words they are sure of ({@link #SURE_WORD}) from the rest. */
    @Override
    public boolean decodesProvisionally() {
        return true;
    }

    /** Moonshine tiny is trained on English only. */
    @Override
    public java.util.Set<String> languages() {
        return java.util.Set.of("en");
    }

    @Override
    public String model() {
        return model;
    }

    @Override
    public Transcript transcribe(float[] samples, TranscribeOptions options) {
        return transcribeBatch(List.of(samples), options).get(0);
    }

    @Override
    public List<Transcript> transcribeBatch(List<float[]> segments, TranscribeOptions options) {
        Transcript[] out = new Transcript[segments.size()];
        List<Integer> sounding = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) {
            if (silent(segments.get(i))) {
                out[i] = Transcript.suppressed("no signal (below -70 dBFS)", segments.get(i).length / (double) SAMPLE_RATE);
            } else {
                sounding.add(i);
            }
        }
        Integer[] order = sounding.toArray(new Integer[0]);
        Arrays.sort(order, Comparator.comparingInt(i -> segments.get(i).length));
        int from = 0;
        while (from < order.length) {
            int to = from + 1;
            int shortest = Math.max(1, segments.get(order[from]).length);
            while (to < order.length && to - from < MAX_BATCH
                    && segments.get(order[to]).length <= shortest * BATCH_LENGTH_RATIO) {
                to++;
            }
            List<float[]> group = new ArrayList<>();
            for (int k = from; k < to; k++) {
                group.add(segments.get(order[k]));
            }
            List<Transcript> results = runBatch(group, options);
            for (int k = from; k < to; k++) {
                out[order[k]] = results.get(k - from);
            }
            from = to;
        }
        return Arrays.asList(out);
    }

    /** Below this RMS (-70 dBFS) a segment holds no signal at all; the model would only invent words. */
    static final double SILENT_RMS = 3e-4;

    static boolean silent(float[] samples) {
        double sum = 0;
        for (float x : samples) {
            sum += x * x;
        }
        return samples.length == 0 || Math.sqrt(sum / samples.length) < SILENT_RMS;
    }

    /** Tests only: sees every row a word-timed request decoded (measuring other head choices on the same decode). */
    volatile java.util.function.Consumer<DecodedSequence> rowTap;

    /** Whether the attention decoder has been opened (tests: the plain path never opens it). */
    synchronized boolean attentionDecoderOpen() {
        return attention != null;
    }

    /** The decoder loop that also returns cross-attention, opened once, on first use. */
    synchronized MergedDecoderLoop attentionLoop() throws IOException {
        if (closed) {
            throw new IllegalStateException("the moonshine engine is closed");
        }
        if (attention == null) {
            attention = AttentionDecoder.open(decoderFile, device, DECODER_THREADS);
        }
        return attention.loop();
    }

    /** The encoder's output length for {@code samples} input samples. */
    static int encoderFrames(int samples) {
        int l1 = (samples - 127) / 64 + 1;
        int l2 = (l1 - 7) / 3 + 1;
        return (l2 - 3) / 2 + 1;
    }

    /** The tokens a decode must start with: the request's prefix, which a client has already been shown. */
    private long[] forcedTokens(TranscribeOptions options) {
        return options.prefix() == null || !vocabulary.canEncode() ? new long[0] : vocabulary.encode(options.prefix());
    }

    /**
     * The draft's words after the prefix, for a single segment: the previous decode of this utterance,
     * which the next one mostly repeats. A draft that does not continue the prefix at a word boundary is
     * left out (it would only be refused at its first token).
     */
    private long[] draftTokens(TranscribeOptions options, int segments) {
        String draft = options.draft();
        if (segments != 1 || draft == null || !vocabulary.canEncode()) {
            return new long[0];
        }
        String rest = draft;
        if (options.prefix() != null) {
            if (!draft.startsWith(options.prefix())) {
                return new long[0];
            }
            rest = draft.substring(options.prefix().length());
            if (!rest.isEmpty() && !Character.isWhitespace(rest.charAt(0))) {
                return new long[0];
            }
        }
        return rest.isBlank() ? new long[0] : vocabulary.encode(rest.strip());
    }

    private List<Transcript> runBatch(List<float[]> group, TranscribeOptions options) {
        boolean provisional = options.provisionalTokens() > 0;
        boolean words = options.timestamps() && !provisional; // provisional text is cut short of its last words: untimed
        long[] forced = forcedTokens(options);
        long[] draft = draftTokens(options, group.size());
        int batch = group.size();
        int width = MIN_SAMPLES;
        for (float[] s : group) {
            width = Math.max(width, s.length);
        }
        float[] input = new float[batch * width];
        int[] maxTokens = new int[batch];
        for (int r = 0; r < batch; r++) {
            float[] s = group.get(r);
            System.arraycopy(s, 0, input, r * width, s.length);
            // the runaway cap counts the whole transcript, forced words included
            maxTokens[r] = Math.max(MIN_TOKENS / 4, maxTokens(s.length) - forced.length);
            if (provisional) {
                maxTokens[r] = Math.min(maxTokens[r], options.provisionalTokens());
            }
        }
        try (LiveTensors scope = new LiveTensors()) {
            OrtSession.Result encoded = scope.run(encoder, Map.of("input_values", scope.floats(input, batch, width)));
            OnnxTensor hidden = (OnnxTensor) encoded.get("last_hidden_state").orElseThrow();
            // the model's own wish to end at once, before NO_EMPTY_START overrules it: the no-speech probability
            double[] endFirst = new double[batch];
            MergedDecoderLoop decoding = words ? attentionLoop() : loop;
            List<DecodedSequence> decoded = decoding.greedy(hidden,
                    new DecodeRequest(new long[] {START_OF_TEXT}, new long[] {END_OF_TEXT}, maxTokens, NO_EMPTY_START,
                            (row, logits) -> endFirst[row] = Math.exp(logits[(int) END_OF_TEXT] - LogProbabilities.logSumExp(logits)),
                            forced, draft));
            List<Transcript> out = new ArrayList<>(batch);
            for (int r = 0; r < batch; r++) {
                Transcript t = toTranscript(decoded.get(r), endFirst[r], group.get(r).length / (double) SAMPLE_RATE,
                        provisional ? sureEnd(decoded.get(r), forced.length) : -1);
                if (words && rowTap != null) {
                    rowTap.accept(decoded.get(r));
                }
                if (words && t.suppressed() == null && !t.text().isEmpty()) {
                    t = withWords(t, decoded.get(r), Math.max(group.get(r).length, MIN_SAMPLES), ALIGNMENT_HEADS);
                }
                out.add(t);
            }
            return out;
        } catch (OrtException e) {
            throw new IllegalStateException("moonshine inference failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Where a provisional decode's sure words end (a token index): before the first word, past the
     * {@code forced} tokens, whose tokens' mean probability is under {@link #SURE_WORD}, and at the latest
     * before its last word, which the end of the audio may have cut. Forced tokens are given, sure whatever
     * their score.
     */
    int sureEnd(DecodedSequence d, int forced) {
        long[] tokens = d.tokens();
        double[] scores = d.tokenLogProbs();
        List<WordTimer.TokenWord> words = tokenWords(tokens);
        for (WordTimer.TokenWord w : words) {
            if (w.to() <= forced) {
                continue;
            }
            int from = Math.max(w.from(), forced);
            double sum = 0;
            for (int i = from; i < w.to(); i++) {
                sum += scores[i];
            }
            if (Math.exp(sum / (w.to() - from)) < SURE_WORD || w == words.getLast()) {
                return from;
            }
        }
        return tokens.length;
    }

    /** {@code t} with the words of {@code d}, aligned over the first frames that {@code samples} of audio fill. */
    Transcript withWords(Transcript t, DecodedSequence d, int samples, List<int[]> heads) {
        return withWords(t, d, samples, heads, WordTimer.FIRST_ROW_FRACTION, FIRST_WORD_HEADS, TRIM_FRACTION);
    }

    /**
     * Off (NaN): words meet, as in Whisper, a pause going to one of its neighbours. Trimming each word to where
     * its tokens' attention rises (WordTimer's trimFraction) was measured and gains nothing within what ten
     * clips tell: start mean/median/p90, end mean/median/p90 (ms) 59/42/114, 69/42/120 untrimmed; 57/42/120,
     * 68/42/114 at 0.1; 60/42/120, 67/36/120 at 0.25; 70/48/162, 74/48/144 at 0.5.
     */
    static final double TRIM_FRACTION = Double.NaN;

    Transcript withWords(Transcript t, DecodedSequence d, int samples, List<int[]> heads, double firstRowFraction,
                         List<int[]> firstWordHeads) {
        return withWords(t, d, samples, heads, firstRowFraction, firstWordHeads, TRIM_FRACTION);
    }

    Transcript withWords(Transcript t, DecodedSequence d, int samples, List<int[]> heads, double firstRowFraction,
                         List<int[]> firstWordHeads, double trimFraction) {
        List<WordTiming> timed = WordTimer.time(d, tokenWords(d.tokens()), heads, encoderFrames(samples),
                SAMPLES_PER_FRAME / (double) SAMPLE_RATE, t.end(), firstRowFraction, firstWordHeads, trimFraction);
        return new Transcript(t.text(), t.language(), t.start(), t.end(), t.segments(), timed, t.avgLogProb(),
                t.noSpeechProb(), t.suppressed());
    }

    /**
     * The words of a row's tokens: a SentencePiece piece that starts with {@code ▁} starts a word, every
     * other piece (byte pieces included) continues it, and punctuation joins its neighbour.
     */
    List<WordTimer.TokenWord> tokenWords(long[] tokens) {
        List<WordTimer.TokenWord> words = new ArrayList<>();
        int from = 0;
        for (int i = 1; i <= tokens.length; i++) {
            if (i == tokens.length || startsWord(tokens[i])) {
                String text = vocabulary.decode(Arrays.copyOfRange(tokens, from, i));
                if (!text.isEmpty()) {
                    words.add(new WordTimer.TokenWord(text, from, i));
                } else if (!words.isEmpty()) {
                    WordTimer.TokenWord last = words.removeLast();
                    words.add(new WordTimer.TokenWord(last.text(), last.from(), i));
                }
                from = i;
            }
        }
        return WordTimer.attachPunctuation(words);
    }

    private boolean startsWord(long id) {
        return id >= 3 && id < SentencePieceVocabulary.SPECIAL_START && id < vocabulary.size()
                && vocabulary.piece((int) id).startsWith("\u2581");
    }

    static int maxTokens(int samples) {
        return Math.max(MIN_TOKENS, (int) Math.ceil(samples / (double) SAMPLE_RATE * TOKENS_PER_SECOND));
    }

    /**
     * Applies the guards. {@code noSpeech} is the probability the model gave end of text as the first
     * token; the average log-probability counts the first token as the model really scored it, before
     * end of text was forbidden (p / (1 - noSpeech) renormalised it), so a forced first word on noise
     * scores as the guess it is.
     */
    private Transcript toTranscript(DecodedSequence d, double noSpeech, double seconds, int sureEnd) {
        boolean provisional = sureEnd >= 0;
        int scored = d.tokens().length + (d.stopped() ? 1 : 0);
        double avgLogProb = (d.sumLogProb() + Math.log1p(-Math.min(noSpeech, 1 - 1e-12))) / Math.max(1, scored);
        // a provisional decode is meant to end short of end of text; a loop is still a loop
        String reason = DegenerateDecode.reason(d.tokens(), d.stopped() || provisional);
        if (reason == null && noSpeech > NO_SPEECH_PROB && avgLogProb < NO_SPEECH_LOG_PROB) {
            reason = String.format(java.util.Locale.ROOT, "no speech (end of text first with p=%.2f, avg log-prob %.2f)",
                    noSpeech, avgLogProb);
        }
        if (reason != null) {
            log.debug("withheld a {}-token decode: {}", d.tokens().length, reason);
            return new Transcript("", "en", 0, seconds, List.of(), List.of(), avgLogProb, noSpeech, reason);
        }
        if (provisional) {
            long[] t = d.tokens();
            return new Transcript(vocabulary.decode(Arrays.copyOf(t, sureEnd)), "en", 0, seconds, List.of(), List.of(),
                    avgLogProb, noSpeech, null, vocabulary.decode(Arrays.copyOfRange(t, sureEnd, t.length)));
        }
        return new Transcript(vocabulary.decode(d.tokens()), "en", 0, seconds, List.of(), List.of(),
                avgLogProb, noSpeech, null);
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
            log.debug("closing moonshine model {}", model);
        } catch (OrtException e) {
            throw new IllegalStateException("cannot close moonshine sessions", e);
        }
    }
}
