package dev.stt.onnx.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtSession;
import dev.stt.engine.Device;
import dev.stt.model.ModelStore;
import dev.stt.onnx.OnnxSessions;
import dev.stt.onnx.proto.OnnxProto.ModelProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The attention-exposing copy of Moonshine's merged decoder: made once, reused, remade when damaged. */
class AttentionGraphCacheTest {

    @TempDir
    Path tmp;

    private Path decoderCopy() throws IOException {
        Path source = ModelStore.fromEnvironment().ensure("moonshine-tiny").resolve("decoder_model_merged.onnx");
        Path copy = tmp.resolve("decoder_model_merged.onnx");
        Files.copy(source, copy);
        return copy;
    }

    @Test
    void theCopyIsMadeOnceReusedAndRemadeWhenDamagedAndTheSourceStaysUntouched() throws Exception {
        Path source = decoderCopy();
        String sourceSha = AttentionGraphCache.sha256(source);
        int edits = AttentionGraphCache.edits();

        Path edited = AttentionGraphCache.ensure(source);
        assertEquals(edits + 1, AttentionGraphCache.edits());
        assertEquals(tmp.resolve(AttentionGraphCache.FOLDER), edited.getParent());
        assertTrue(edited.getFileName().toString().contains(sourceSha.substring(0, 16)), edited.toString());
        long madeAt = Files.getLastModifiedTime(edited).toMillis();

        assertEquals(edited, AttentionGraphCache.ensure(source));
        assertEquals(edits + 1, AttentionGraphCache.edits(), "a sound cached copy was edited again");
        assertEquals(madeAt, Files.getLastModifiedTime(edited).toMillis());

        // a torn write: the copy no longer matches its checksum, so it is made again
        try (var ch = Files.newByteChannel(edited, StandardOpenOption.WRITE)) {
            ch.truncate(Files.size(edited) / 2);
        }
        assertEquals(edited, AttentionGraphCache.ensure(source));
        assertEquals(edits + 2, AttentionGraphCache.edits());
        assertEquals(Files.readString(edited.resolveSibling(edited.getFileName() + ".sha256")).strip(),
                AttentionGraphCache.sha256(edited));
        assertEquals(sourceSha, AttentionGraphCache.sha256(source), "the downloaded file was changed");

        try (OrtSession session = OnnxSessions.open(edited, Device.CPU, 1).session()) {
            assertEquals(List.of(0, 1, 2, 3, 4, 5), AttentionGraph.exposedLayers(session.getOutputNames()));
            assertTrue(session.getOutputNames().contains("logits"));
        }
    }

    @Test
    void aChangedSourceGetsItsOwnCopy() throws Exception {
        Path source = decoderCopy();
        Path first = AttentionGraphCache.ensure(source);
        ModelProto m = AttentionGraph.read(source);
        Files.write(source, m.toBuilder().setDocString("another export").build().toByteArray());
        Path second = AttentionGraphCache.ensure(source);
        assertNotEquals(first, second);
    }

    @Test
    void aGraphWithoutExplicitCrossAttentionIsRefused() throws Exception {
        Path vad = ModelStore.fromEnvironment().ensure("silero-vad").resolve("silero_vad.onnx");
        IOException e = assertThrows(AttentionGraph.NoCrossAttentionException.class,
                () -> AttentionGraph.withCrossAttentionOutputs(AttentionGraph.read(vad)));
        assertTrue(e.getMessage().contains("cross-attention"), e.getMessage());
        // nothing is written for a graph that cannot be edited
        Path copy = Files.copy(vad, tmp.resolve("silero_vad.onnx"));
        assertThrows(AttentionGraph.NoCrossAttentionException.class, () -> AttentionGraphCache.ensure(copy));
        assertTrue(Files.notExists(tmp.resolve(AttentionGraphCache.FOLDER)));
    }
}
