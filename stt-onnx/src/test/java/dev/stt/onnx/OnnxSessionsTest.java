package dev.stt.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import dev.stt.engine.Device;
import dev.stt.model.ModelStore;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Device choice on a machine without a GPU: the CPU build's behaviour users see. */
class OnnxSessionsTest {

    private static Path model;

    @BeforeAll
    static void fetch() throws Exception {
        model = ModelStore.fromEnvironment().ensure("silero-vad").resolve("silero_vad.onnx");
    }

    @Test
    void autoFallsBackToTheCpuWhenCudaIsNotUsable() throws Exception {
        OnnxSessions.OpenedSession s = OnnxSessions.open(model, Device.AUTO, 1);
        try (var session = s.session()) {
            assertEquals(Device.CPU, s.device());
            assertTrue(session.getInputNames().contains("input"));
        }
    }

    @Test
    void cudaAskedForExplicitlyFailsWithAClearError() {
        OrtException e = assertThrows(OrtException.class, () -> OnnxSessions.open(model, Device.CUDA, 1));
        assertTrue(e.getMessage().startsWith("CUDA was asked for but cannot be used"), e.getMessage());
    }

    @Test
    void theCpuBuildSaysTheCudaPresetsAreAbsent() {
        assertEquals("bytedeco's CUDA presets are not on the class path (build with -Pcuda)", CudaLibraries.load());
    }
}
