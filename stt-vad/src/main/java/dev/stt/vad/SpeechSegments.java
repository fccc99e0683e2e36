package dev.stt.vad;

import dev.stt.segment.SegmenterEvent;
import dev.stt.segment.SpeechSegment;
import dev.stt.segment.SpeechSegmenter;
import dev.stt.segment.SpeechSegmenterFactory;
import dev.stt.segment.VadOptions;
import java.util.ArrayList;
import java.util.List;

/** The utterances of a whole recording: the streaming segmenter run over it in one piece, then flushed. */
public final class SpeechSegments {

    private SpeechSegments() {
    }

    public static List<SpeechSegment> detect(SpeechSegmenterFactory vad, float[] signal, int sampleRate, VadOptions options) {
        List<SpeechSegment> out = new ArrayList<>();
        try (SpeechSegmenter s = vad.open(sampleRate, options)) {
            collect(s.accept(signal), out);
            collect(s.flush(), out);
        }
        return out;
    }

    private static void collect(List<SegmenterEvent> events, List<SpeechSegment> into) {
        for (SegmenterEvent e : events) {
            if (e instanceof SegmenterEvent.SegmentClosed c) {
                into.add(c.segment());
            }
        }
    }
}
