package dev.stt.onnx.graph;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.stt.engine.Device;
import dev.stt.onnx.decoder.MergedDecoderLoop;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The merged decoder whose graph also returns its cross-attention ({@link AttentionGraph}), opened lazily by an
 * engine when word times are first asked for: the session and the loop over it, owned together and closed
 * together by that engine.
 */
public record AttentionDecoder(OrtSession session, MergedDecoderLoop loop) implements AutoCloseable {

    /**
     * Edits (or finds cached) the attention-exposing copy of {@code decoderFile} and opens it.
     *
     * @throws IOException when the graph has no explicit attention, or the copy cannot be made or opened
     */
    public static AttentionDecoder open(Path decoderFile, Device device, int intraThreads) throws IOException {
        Path edited = AttentionGraphCache.ensure(decoderFile);
        OrtSession session;
        try {
            // computed as the plain decoder computes its logits, so word-timed decodes say the same words
            session = QuantizedLogits.open(edited, device, intraThreads).session();
        } catch (OrtException e) {
            throw new IOException("cannot open the attention-exposing decoder " + edited + ": " + e.getMessage(), e);
        }
        try {
            return new AttentionDecoder(session, new MergedDecoderLoop(session));
        } catch (OrtException e) {
            closeQuietly(session);
            throw new IOException("not a merged decoder: " + edited + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }

    private static void closeQuietly(OrtSession s) {
        try {
            s.close();
        } catch (OrtException ignored) {
            // the session never served a call; nothing else to release
        }
    }
}
