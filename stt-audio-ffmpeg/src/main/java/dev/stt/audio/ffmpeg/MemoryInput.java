package dev.stt.audio.ffmpeg;

import static org.bytedeco.ffmpeg.global.avformat.AVSEEK_FORCE;
import static org.bytedeco.ffmpeg.global.avformat.AVSEEK_SIZE;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.ffmpeg.avformat.Read_packet_Pointer_BytePointer_int;
import org.bytedeco.ffmpeg.avformat.Seek_Pointer_long_int;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Bytes already in memory read by FFmpeg through a custom AVIOContext, with no temporary file.
 *
 * <p>JavaCPP callbacks are native thunks, a scarce resource; so one read and one seek callback serve every
 * input, and the AVIOContext's {@code opaque} carries nothing but a key (its "address" is the key, never
 * dereferenced) into a map of open inputs. An input leaves the map when its source closes.
 */
final class MemoryInput {

    private static final int SEEK_SET = 0;
    private static final int SEEK_CUR = 1;
    private static final int SEEK_END = 2;
    /** AVERROR(EINVAL); EINVAL is 22 on Linux, macOS and Windows alike. */
    private static final int AVERROR_EINVAL = -22;

    private static final Map<Long, MemoryInput> OPEN = new ConcurrentHashMap<>();
    private static final AtomicLong NEXT_KEY = new AtomicLong(1);

    static final Read_packet_Pointer_BytePointer_int READ = new Read_packet_Pointer_BytePointer_int() {
        @Override
        public int call(Pointer opaque, BytePointer buf, int size) {
            MemoryInput in = OPEN.get(opaque.address());
            return in == null ? AVERROR_EOF : in.read(buf, size);
        }
    };

    static final Seek_Pointer_long_int SEEK = new Seek_Pointer_long_int() {
        @Override
        public long call(Pointer opaque, long offset, int whence) {
            MemoryInput in = OPEN.get(opaque.address());
            return in == null ? AVERROR_EINVAL : in.seek(offset, whence);
        }
    };

    private final byte[] data;
    private final long key;
    private final Pointer opaque;
    private int position;

    private MemoryInput(byte[] data) {
        this.data = data;
        this.key = NEXT_KEY.getAndIncrement();
        this.opaque = new Key(key);
    }

    /** Registers {@code data} for the callbacks until {@link #release()}. */
    static MemoryInput register(byte[] data) {
        MemoryInput in = new MemoryInput(data);
        OPEN.put(in.key, in);
        return in;
    }

    /** What to hand avio_alloc_context as {@code opaque}. */
    Pointer opaque() {
        return opaque;
    }

    void release() {
        OPEN.remove(key);
    }

    static int openCount() {
        return OPEN.size();
    }

    private int read(BytePointer buf, int size) {
        int n = Math.min(size, data.length - position);
        if (n <= 0) {
            return AVERROR_EOF;
        }
        buf.position(0).put(data, position, n);
        position += n;
        return n;
    }

    private long seek(long offset, int whence) {
        int how = whence & ~AVSEEK_FORCE;
        if (how == AVSEEK_SIZE) {
            return data.length;
        }
        long to = switch (how) {
            case SEEK_SET -> offset;
            case SEEK_CUR -> position + offset;
            case SEEK_END -> data.length + offset;
            default -> -1;
        };
        if (to < 0 || to > data.length) {
            return AVERROR_EINVAL;
        }
        position = (int) to;
        return to;
    }

    /** A pointer whose address is a map key; it owns no memory. */
    private static final class Key extends Pointer {
        Key(long key) {
            address = key;
        }
    }
}
