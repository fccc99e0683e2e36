package dev.stt.protocol.original;

/** What a client of the original protocol can send. */
public sealed interface ClientMessage {

    /** {@code input_audio_buffer.append}: PCM16 LE mono at {@code sampleRate} (16000 when not given). */
    record Append(byte[] pcm, int sampleRate) implements ClientMessage {
    }

    /** {@code input_audio_buffer.commit} (extension): close the open segment now, e.g. at end of file. */
    record Commit() implements ClientMessage {
    }

    /** {@code input_audio_buffer.clear} (extension): drop the open segment. */
    record Clear() implements ClientMessage {
    }

    /**
     * {@code session.update} (extension): {@code echo_audio: false} leaves the segment audio out of results;
     * {@code interim_results: true} asks for {@code response.audio_transcript.delta} text while speech is open;
     * {@code words: true} adds each result's word times. A field not given (null) keeps its setting.
     */
    record SessionUpdate(Boolean echoAudio, Boolean interimResults, Boolean words) implements ClientMessage {
    }
}
