package dev.stt.protocol.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stt.engine.TimedText;
import dev.stt.engine.WordTiming;
import dev.stt.protocol.subtitle.Subtitles;

import java.util.Locale;

/** The {@code response_format}s of {@code POST /v1/audio/transcriptions} and how each renders a result. */
public enum TranscriptionResponseFormat {
    JSON("json", "application/json"),
    TEXT("text", "text/plain; charset=utf-8"),
    SRT("srt", "application/x-subrip; charset=utf-8"),
    VTT("vtt", "text/vtt; charset=utf-8"),
    VERBOSE_JSON("verbose_json", "application/json");

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String wireName;
    private final String contentType;

    TranscriptionResponseFormat(String wireName, String contentType) {
        this.wireName = wireName;
        this.contentType = contentType;
    }

    public String wireName() {
        return wireName;
    }

    public String contentType() {
        return contentType;
    }

    public static TranscriptionResponseFormat fromWireName(String name) {
        if (name == null || name.isEmpty()) {
            return JSON;
        }
        for (TranscriptionResponseFormat f : values()) {
            if (f.wireName.equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("response_format must be one of json, text, srt, vtt, verbose_json; got '"
                + name + "'");
    }

    /** Whether the answer needs word times from the engine: subtitles cut their cues at them. */
    public boolean wantsWordTimes() {
        return this == SRT || this == VTT;
    }

    /** The response body for {@code result}; {@code words} adds word timings to verbose_json when present. */
    public String render(TranscriptionResult result, boolean words) {
        return switch (this) {
            case JSON -> json(result);
            case TEXT -> result.text() + "\n";
            case SRT -> Subtitles.srt(Subtitles.cues(result.segments(), result.words()));
            case VTT -> Subtitles.vtt(Subtitles.cues(result.segments(), result.words()));
            case VERBOSE_JSON -> verboseJson(result, words);
        };
    }

    private static String json(TranscriptionResult r) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("text", r.text());
        usage(o, r);
        return o.toString();
    }

    private static void usage(ObjectNode o, TranscriptionResult r) {
        ObjectNode u = o.putObject("usage");
        u.put("type", "duration");
        u.put("seconds", (long) Math.ceil(r.durationSeconds()));
    }

    private static String verboseJson(TranscriptionResult r, boolean withWords) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("task", r.task());
        o.put("language", languageName(r.language()));
        o.put("duration", round3(r.durationSeconds()));
        o.put("text", r.text());
        ArrayNode segments = o.putArray("segments");
        int id = 0;
        for (TimedText s : r.segments()) {
            ObjectNode seg = segments.addObject();
            seg.put("id", id++);
            seg.put("seek", (int) Math.round(s.start() * 100));
            seg.put("start", round3(s.start()));
            seg.put("end", round3(s.end()));
            seg.put("text", s.text());
            // every engine here decodes greedily: temperature 0 is what was used, whatever was asked
            seg.put("temperature", 0.0);
            if (!r.scores().isEmpty()) {
                TranscriptionResult.Scores score = r.scores().get(id - 1);
                if (Double.isFinite(score.avgLogProb())) {
                    seg.put("avg_logprob", round3(score.avgLogProb()));
                }
                if (Double.isFinite(score.noSpeechProb())) {
                    seg.put("no_speech_prob", round3(score.noSpeechProb()));
                }
            }
            seg.put("compression_ratio", round3(compressionRatio(s.text())));
        }
        if (withWords) {
            ArrayNode words = o.putArray("words");
            for (WordTiming w : r.words()) {
                ObjectNode word = words.addObject();
                word.put("word", w.word().strip());
                word.put("start", round3(w.start()));
                word.put("end", round3(w.end()));
            }
        }
        usage(o, r);
        return o.toString();
    }

    /**
     * Whisper's repetition measure, computed as openai/whisper does: UTF-8 bytes of the text over its
     * zlib-compressed size. Text that loops ("the the the ...") compresses far better and scores above 2.4.
     */
    static double compressionRatio(String text) {
        byte[] raw = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (raw.length == 0) {
            return 0;
        }
        java.util.zip.Deflater z = new java.util.zip.Deflater();
        try {
            z.setInput(raw);
            z.finish();
            byte[] out = new byte[raw.length + 64];
            int n = 0;
            while (!z.finished()) {
                n += z.deflate(out, n, out.length - n);
                if (n == out.length) {
                    out = java.util.Arrays.copyOf(out, out.length * 2);
                }
            }
            return raw.length / (double) n;
        } finally {
            z.end();
        }
    }

    /** OpenAI's verbose_json names the language in English words ("english"), not by code. */
    static String languageName(String code) {
        if (code == null || code.isBlank()) {
            return "english";
        }
        String name = Locale.forLanguageTag(code).getDisplayLanguage(Locale.ENGLISH);
        return name.isEmpty() ? code : name.toLowerCase(Locale.ROOT);
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
