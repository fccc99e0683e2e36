package dev.stt.bench.load;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** Memory of the server under test: resident set from /proc (Linux), direct buffers when it runs in this JVM. */
final class ProcessMemory {

    private ProcessMemory() {
    }

    /** VmRSS of the process ({@code self} or a pid) in bytes, or -1 where /proc cannot tell. */
    static long rssBytes(String pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] f = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(f[0]) * 1024; // always kB
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or the process is gone
        }
        return -1;
    }

    /**
     * Direct memory of this JVM: NIO's direct pool plus what Netty allocated outside it (Netty counts its
     * cleaner-less buffers itself; -1 there means it does not, and they are in the NIO pool already).
     */
    static long directBytes() {
        long nio = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                nio += pool.getMemoryUsed();
            }
        }
        long netty = io.netty.util.internal.PlatformDependent.usedDirectMemory();
        return nio + Math.max(0, netty);
    }
}
