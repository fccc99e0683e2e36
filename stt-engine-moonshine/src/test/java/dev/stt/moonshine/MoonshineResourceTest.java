package dev.stt.moonshine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stt.audio.WavReader;
import dev.stt.engine.EngineConfig;
import dev.stt.engine.SttEngine;
import dev.stt.engine.SttEngines;
import dev.stt.eval.SpeechCorpus;
import dev.stt.eval.TestData;
import dev.stt.onnx.LiveTensors;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Native tensors and direct buffers stay flat over many transcriptions. */
class MoonshineResourceTest {

    private static final Logger log = LoggerFactory.getLogger(MoonshineResourceTest.class);
    private static final int RUNS = 1_000;
    /** Slack for direct buffers the JDK itself keeps (class loading, logging); a leak of one 1 KB tensor per run is bigger. */
    private static final long DIRECT_SLACK_BYTES = 512 * 1024;
    /**
     * Slack for the resident set over the second half of the runs, after the allocator's arenas have grown
     * in the first (about 60 MB here, all of it in the first half); native memory held per run (a 128 KB
     * logits row is 64 MB over 500 runs) would exceed it.
     */
    private static final long RSS_SLACK_BYTES = 32L << 20;

    @Test
    void aThousandTranscriptionsLeaveTensorsAndDirectMemoryFlat() throws Exception {
        // "He could wait no longer", cut to its first 1.2 s ("He could ...") to keep the loop short
        float[] clip = WavReader.read(TestData.speechDir().resolve("librispeech/1089-134691-0000.wav")).toMono16k();
        float[] speech = Arrays.copyOf(clip, 19_200);
        // one thread: on a busy build machine spinning intra-op threads only slow the loop down
        try (SttEngine engine = SttEngines.open(EngineConfig.builder("moonshine-tiny").intraThreads(1).build())) {
            String first = engine.transcribe(speech).text();
            assertTrue(first.toLowerCase().startsWith("he could"), first);
            for (int i = 0; i < 20; i++) {
                engine.transcribe(speech);
            }
            long tensorsBefore = LiveTensors.live();
            long directBefore = settledDirectBytes();
            long rssBefore = 0;
            for (int i = 0; i < RUNS; i++) {
                if (i == RUNS / 2) {
                    rssBefore = residentBytes();
                }
                String text = engine.transcribe(speech).text();
                if (!text.equals(first)) {
                    throw new AssertionError("run " + i + " gave '" + text + "', the first gave '" + first + "'");
                }
            }
            long tensorsAfter = LiveTensors.live();
            long directAfter = settledDirectBytes();
            long rssAfter = residentBytes();
            log.info("after {} runs: live tensors {} -> {}, direct memory {} -> {} bytes, resident set less JVM heap {} -> {} MB over the last half", RUNS,
                    tensorsBefore, tensorsAfter, directBefore, directAfter, rssBefore >> 20, rssAfter >> 20);
            assertEquals(tensorsBefore, tensorsAfter, "live tensors and results");
            assertTrue(directAfter - directBefore < DIRECT_SLACK_BYTES,
                    "direct memory grew by " + (directAfter - directBefore) + " bytes");
            // a leaked logits row (128 KB) or KV cache per run would add well over this
            assertTrue(rssAfter - rssBefore < RSS_SLACK_BYTES,
                    "resident set grew by " + ((rssAfter - rssBefore) >> 20) + " MB over the last " + RUNS / 2 + " runs");
        }
        assertEquals(0, LiveTensors.live(), "tensors left alive after the engine closed");
    }

    /**
     * The process's resident set from /proc (Linux) less what the JVM has committed for its heap and
     * metadata, so that a heap that grew (and was not handed back) does not count as a native leak;
     * 0 where /proc is missing, which makes the check vacuous there.
     */
    private static long residentBytes() throws java.io.IOException {
        java.lang.management.MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long jvm = memory.getHeapMemoryUsage().getCommitted() + memory.getNonHeapMemoryUsage().getCommitted();
        return Math.max(0, processResidentBytes() - jvm);
    }

    private static long processResidentBytes() throws java.io.IOException {
        java.nio.file.Path status = java.nio.file.Path.of("/proc/self/status");
        if (!java.nio.file.Files.isReadable(status)) {
            return 0;
        }
        for (String line : java.nio.file.Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return 0;
    }

    /** Direct buffers of closed tensors are freed by their cleaners once collected. */
    private static long settledDirectBytes() throws InterruptedException {
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).findFirst().orElseThrow();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return direct.getMemoryUsed();
    }
}
