package dev.stt.bench.load;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Server CPU over one step, in cores (CPU seconds per wall second). In-process: this JVM's CPU time
 * less the load driver's own threads ({@code load-pace*}, {@code HttpClient*}); with {@code --server-pid}:
 * that process's utime + stime from /proc (clock ticks of 10 ms).
 */
final class CpuMeter {

    private final String pid;
    private final long wallStart;
    private final long cpuStart;

    CpuMeter(String pid) {
        this.pid = pid;
        this.wallStart = System.nanoTime();
        this.cpuStart = cpuNanos(pid);
    }

    /** Cores used since construction, or NaN where unknown. */
    double cores() {
        long cpu = cpuNanos(pid);
        long wall = System.nanoTime() - wallStart;
        if (cpu < 0 || cpuStart < 0 || wall <= 0) {
            return Double.NaN;
        }
        return (double) (cpu - cpuStart) / wall;
    }

    private static long cpuNanos(String pid) {
        if (pid != null) {
            try {
                String stat = Files.readString(Path.of("/proc", pid, "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                // fields after the name start at 3 (state); utime is 14, stime 15
                return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
            } catch (Exception e) {
                return -1;
            }
        }
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (!(os instanceof com.sun.management.OperatingSystemMXBean sun)) {
            return -1;
        }
        long process = sun.getProcessCpuTime();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long driver = 0;
        for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (t != null && (t.getThreadName().startsWith("load-pace") || t.getThreadName().startsWith("HttpClient"))) {
                long c = threads.getThreadCpuTime(t.getThreadId());
                driver += Math.max(0, c);
            }
        }
        return process - driver;
    }
}
