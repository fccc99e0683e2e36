package dev.stt.spark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Splits files into partitions of about equal total size, so one long recording does not leave every other
 * task slot idle at the end of a stage: largest file first, each to the partition that holds the fewest bytes
 * so far (greedy longest-processing-time bin packing, within 4/3 of the best split). Size stands in for
 * duration: within one archive the codec and bit rate rarely vary much, and the driver cannot afford to
 * decode every header before the job starts.
 *
 * <p>Each partition lists its files largest first, so the long ones start early and the short ones fill in.
 */
public final class SizePartitioner {

    private SizePartitioner() {
    }

    /** At most {@code partitions} non-empty partitions (fewer when there are fewer files). */
    public static List<List<FileRef>> pack(List<FileRef> files, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        }
        List<FileRef> sorted = new ArrayList<>(files);
        sorted.sort(Comparator.comparingLong(FileRef::size).reversed().thenComparing(FileRef::path));
        int n = Math.min(partitions, sorted.size());
        record Bin(int index, long[] bytes) {
        }
        List<List<FileRef>> out = new ArrayList<>(n);
        PriorityQueue<Bin> lightest = new PriorityQueue<>(
                Comparator.<Bin>comparingLong(b -> b.bytes()[0]).thenComparingInt(Bin::index));
        for (int i = 0; i < n; i++) {
            out.add(new ArrayList<>());
            lightest.add(new Bin(i, new long[1]));
        }
        for (FileRef f : sorted) {
            Bin b = lightest.poll();
            out.get(b.index()).add(f);
            b.bytes()[0] += Math.max(1, f.size());
            lightest.add(b);
        }
        return out;
    }

    /** The total bytes of each partition, for logs and tests. */
    public static long[] totals(List<List<FileRef>> partitions) {
        return partitions.stream().mapToLong(p -> p.stream().mapToLong(FileRef::size).sum()).toArray();
    }
}
