package dev.stt.spark;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.util.DoubleAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * The task: one partition holds one size-balanced list of files; its rows come out one file at a time (the
 * writer never waits for the whole list), all through the executor's shared engine.
 */
final class TranscribePartition implements FlatMapFunction<Iterator<List<FileRef>>, Row> {

    private final EngineSpec spec;
    private final Broadcast<HadoopConf> conf;
    private final LongAccumulator files;
    private final LongAccumulator failures;
    private final DoubleAccumulator audioSeconds;

    TranscribePartition(EngineSpec spec, Broadcast<HadoopConf> conf, LongAccumulator files, LongAccumulator failures,
                        DoubleAccumulator audioSeconds) {
        this.spec = spec;
        this.conf = conf;
        this.files = files;
        this.failures = failures;
        this.audioSeconds = audioSeconds;
    }

    @Override
    public Iterator<Row> call(Iterator<List<FileRef>> lists) throws Exception {
        // a model that cannot load fails the task (and, after Spark's retries, the job): that is no file's fault
        ExecutorEngine.Loaded engine = ExecutorEngine.get(spec);
        return new Iterator<>() {
            private Iterator<FileRef> current = List.<FileRef>of().iterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && lists.hasNext()) {
                    current = lists.next().iterator();
                }
                return current.hasNext();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                TranscriptRows.Outcome o = TranscriptRows.transcribe(engine, current.next(), conf.value().get());
                files.add(1);
                audioSeconds.add(o.audioSeconds());
                if (o.failed()) {
                    failures.add(1);
                }
                return o.row();
            }
        };
    }
}
