package dev.stt.transcribe;

import dev.stt.engine.TranscribeOptions;
import dev.stt.segment.VadOptions;

/**
 * How a whole recording is cut and transcribed: the one offline policy of the CLI, the HTTP routes and the
 * embedding API, so the same file reads the same on every door.
 *
 * @param vad              where the VAD cuts; its segment cap stays well under the ~30 s past which the models
 *                         drop words (the VAD splits longer speech at its quietest point)
 * @param joinGapSeconds   neighbouring speech closer than this is transcribed as one piece: a phrase cut out
 *                         alone loses the context the model needs (JFK cut at every 0.5 s pause reads
 *                         "As not. What your country..."), and offline there is no latency to win by cutting
 *                         early
 * @param joinedMaxSeconds a joined piece stays this short, for the same ~30 s reason
 * @param piecesPerCall    pieces handed to the engine at once: enough to batch similar lengths, few enough that
 *                         results (a progress bar, streamed deltas) arrive steadily
 * @param maxAudioSeconds  a recording longer than this is refused, from its header when it declares its length,
 *                         else when reading passes it
 * @param transcribe       language, prompt, timestamps and task for every piece
 */
public record TranscriptionPolicy(VadOptions vad, double joinGapSeconds, double joinedMaxSeconds, int piecesPerCall,
                                  double maxAudioSeconds, TranscribeOptions transcribe) {

    /** Three hours: longer than any meeting or podcast episode, short enough to bound one request's work. */
    public static final double DEFAULT_MAX_AUDIO_SECONDS = 3 * 3600;

    public static final TranscriptionPolicy DEFAULTS = new TranscriptionPolicy(
            VadOptions.DEFAULTS.withMaxSegmentSeconds(20), 1.0, 20, 8, DEFAULT_MAX_AUDIO_SECONDS, TranscribeOptions.DEFAULTS);

    public TranscriptionPolicy {
        if (!(joinGapSeconds >= 0) || !(joinedMaxSeconds > 0) || piecesPerCall < 1 || !(maxAudioSeconds > 0)) {
            throw new IllegalArgumentException("joinGapSeconds >= 0, joinedMaxSeconds > 0, piecesPerCall >= 1 and"
                    + " maxAudioSeconds > 0 are required");
        }
    }

    public TranscriptionPolicy withTranscribe(TranscribeOptions t) {
        return new TranscriptionPolicy(vad, joinGapSeconds, joinedMaxSeconds, piecesPerCall, maxAudioSeconds, t);
    }

    public TranscriptionPolicy withPiecesPerCall(int n) {
        return new TranscriptionPolicy(vad, joinGapSeconds, joinedMaxSeconds, n, maxAudioSeconds, transcribe);
    }

    public TranscriptionPolicy withMaxAudioSeconds(double s) {
        return new TranscriptionPolicy(vad, joinGapSeconds, joinedMaxSeconds, piecesPerCall, s, transcribe);
    }
}
