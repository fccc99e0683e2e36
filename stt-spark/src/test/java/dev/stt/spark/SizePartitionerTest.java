package dev.stt.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class SizePartitionerTest {

    private static List<FileRef> files(long... sizes) {
        List<FileRef> out = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            out.add(new FileRef("f" + i, sizes[i]));
        }
        return out;
    }

    @Test
    void oneLongFileGetsAPartitionOfItsOwnAndTheRestShareTheOthers() {
        List<List<FileRef>> p = SizePartitioner.pack(files(1000, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100), 2);
        assertEquals(2, p.size());
        assertEquals(List.of(new FileRef("f0", 1000)), p.get(0));
        assertEquals(10, p.get(1).size());
    }

    @Test
    void partitionsAreWithinTheLargestFileOfEachOther() {
        long[] sizes = LongStream.range(1, 200).map(i -> (i * 7919) % 1000 + 1).toArray();
        List<List<FileRef>> p = SizePartitioner.pack(files(sizes), 8);
        long[] totals = SizePartitioner.totals(p);
        long max = LongStream.of(totals).max().orElseThrow();
        long min = LongStream.of(totals).min().orElseThrow();
        assertTrue(max - min <= 1000, "spread " + (max - min));
        assertEquals(LongStream.of(sizes).sum(), LongStream.of(totals).sum());
        // each partition starts with its largest file
        for (List<FileRef> part : p) {
            for (int i = 1; i < part.size(); i++) {
                assertTrue(part.get(i - 1).size() >= part.get(i).size());
            }
        }
    }

    @Test
    void neverMorePartitionsThanFiles() {
        assertEquals(3, SizePartitioner.pack(files(1, 2, 3), 8).size());
        assertEquals(0, SizePartitioner.pack(List.of(), 8).size());
    }
}
