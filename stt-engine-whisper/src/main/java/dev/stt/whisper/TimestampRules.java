package dev.stt.whisper;

import dev.stt.onnx.decoder.LogProbabilities;

/**
 * openai/whisper's {@code ApplyTimestampRules}: timestamps come in pairs (except just before the end),
 * never go back, a segment has non-zero length, the first sampled token is a timestamp no later than
 * {@code maxInitialTimestampIndex}, and when the timestamps together outweigh every text token a
 * timestamp is taken. Stateless; edits one row's logits in place.
 */
final class TimestampRules {

    private TimestampRules() {
    }

    static void apply(long[] tokens, int sampleBegin, float[] logits, WhisperSpecialTokens s, int maxInitialTimestampIndex) {
        int tsBegin = s.timestampBegin();
        int vocab = logits.length;
        if (s.noTimestamps() < vocab) {
            logits[s.noTimestamps()] = Float.NEGATIVE_INFINITY;
        }
        int sampled = tokens.length - sampleBegin;
        boolean lastWasTimestamp = sampled >= 1 && tokens[tokens.length - 1] >= tsBegin;
        boolean penultimateWasTimestamp = sampled < 2 || tokens[tokens.length - 2] >= tsBegin;
        if (lastWasTimestamp) {
            if (penultimateWasTimestamp) {
                fill(logits, tsBegin, vocab);
            } else {
                fill(logits, 0, Math.min(s.endOfText(), vocab));
            }
        }
        long lastTimestamp = -1;
        for (int i = sampleBegin; i < tokens.length; i++) {
            if (tokens[i] >= tsBegin) {
                lastTimestamp = tokens[i];
            }
        }
        if (lastTimestamp >= 0) {
            // a segment's end may equal its start only right after a text token; otherwise move forward
            long allowedFrom = lastWasTimestamp && !penultimateWasTimestamp ? lastTimestamp : lastTimestamp + 1;
            fill(logits, tsBegin, (int) Math.min(allowedFrom, vocab));
        }
        if (sampled == 0) {
            fill(logits, 0, Math.min(tsBegin, vocab));
            if (maxInitialTimestampIndex >= 0) {
                fill(logits, tsBegin + maxInitialTimestampIndex + 1, vocab);
            }
        }
        if (tsBegin < vocab) {
            double lse = LogProbabilities.logSumExp(logits, 0, vocab);
            double timestampLogProb = LogProbabilities.logSumExp(logits, tsBegin, vocab) - lse;
            float maxText = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < tsBegin; i++) {
                maxText = Math.max(maxText, logits[i]);
            }
            if (timestampLogProb > maxText - lse) {
                fill(logits, 0, tsBegin);
            }
        }
    }

    private static void fill(float[] logits, int from, int to) {
        for (int i = Math.max(0, from); i < to; i++) {
            logits[i] = Float.NEGATIVE_INFINITY;
        }
    }
}
