package dev.stt.whisper;

import dev.stt.onnx.decoder.LogitsFilter;
import java.util.Arrays;

/**
 * Every edit Whisper makes to the decoder's logits before a greedy choice, in openai/whisper's order:
 * forced prompt tokens (language detection picks among language tokens only), then for sampled tokens
 * suppress-blank at the first step, the model's suppress_tokens plus the control tokens, and the
 * timestamp rules (or, without timestamps, no timestamp tokens at all). One instance per decode request.
 */
final class WhisperLogitsRules implements LogitsFilter {

    private final WhisperPrompt prompt;
    private final WhisperSpecialTokens specials;
    private final WhisperModelConfig config;
    private final int[] alwaysSuppressed;
    private final int[] languageTokens;

    WhisperLogitsRules(WhisperPrompt prompt, WhisperSpecialTokens specials, WhisperModelConfig config) {
        this.prompt = prompt;
        this.specials = specials;
        this.config = config;
        this.languageTokens = specials.languages().values().stream().mapToInt(Integer::intValue).sorted().toArray();
        int[] control = {specials.translate(), specials.transcribe(), specials.startOfTranscript(), specials.startOfPrev(),
            specials.startOfLm(), specials.noSpeech()};
        int[] all = Arrays.copyOf(config.suppressTokens(), config.suppressTokens().length + control.length + languageTokens.length);
        System.arraycopy(control, 0, all, config.suppressTokens().length, control.length);
        System.arraycopy(languageTokens, 0, all, config.suppressTokens().length + control.length, languageTokens.length);
        this.alwaysSuppressed = all;
    }

    @Override
    public void apply(int row, int step, long[] tokens, float[] logits) {
        int forcedIndex = tokens.length - prompt.prefix().length;
        if (forcedIndex < prompt.forced().length) {
            long forced = prompt.forced()[forcedIndex];
            if (forced == WhisperPrompt.DETECT_LANGUAGE) {
                keepOnly(logits, languageTokens);
            } else {
                keepOnly(logits, new int[] {(int) forced});
            }
            return;
        }
        if (tokens.length == prompt.sampleBegin()) {
            suppress(logits, config.beginSuppressTokens());
        }
        suppress(logits, alwaysSuppressed);
        if (prompt.timestamps()) {
            TimestampRules.apply(tokens, prompt.sampleBegin(), logits, specials, config.maxInitialTimestampIndex());
        } else {
            for (int i = specials.noTimestamps(); i < logits.length; i++) {
                logits[i] = Float.NEGATIVE_INFINITY;
            }
        }
    }

    private static void suppress(float[] logits, int[] ids) {
        for (int id : ids) {
            if (id >= 0 && id < logits.length) {
                logits[id] = Float.NEGATIVE_INFINITY;
            }
        }
    }

    private static void keepOnly(float[] logits, int[] allowed) {
        float[] kept = new float[allowed.length];
        for (int i = 0; i < allowed.length; i++) {
            kept[i] = allowed[i] < logits.length ? logits[allowed[i]] : Float.NEGATIVE_INFINITY;
        }
        Arrays.fill(logits, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < allowed.length; i++) {
            if (allowed[i] < logits.length) {
                // a forced token wins even when the model gives it no probability at all
                logits[allowed[i]] = allowed.length == 1 ? 0f : kept[i];
            }
        }
    }
}
