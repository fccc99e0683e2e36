package dev.stt.audio.ffmpeg;

import static org.bytedeco.ffmpeg.global.avformat.AVSEEK_FORCE;
import static org.bytedeco.ffmpeg.global.avformat.AVSEEK_SIZE;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.ffmpeg.avformat.Read_packet_Pointer_BytePointer_int;
import org.bytedeco.ffmpeg.avformat.Seek_Pointer_long_int;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * What FFmpeg reads through a custom AVIOContext: bytes already in memory (an upload, no temporary file) or a
 * file opened by Java. FFmpeg itself opens nothing, so the format context's protocol whitelist can be empty
 * and a playlist or concat script inside the data cannot make it open other files or URLs.
 *
 * <p>JavaCPP callbacks are native thunks, a scarce resource; so one read and one seek callback serve every
 * input, and the AVIOContext's {@code opaque} carries nothing but a key (its "address" is the key, never
 * dereferenced) into a map of open inputs. An input leaves the map when its source closes it.
 */
abstract class CallbackInput implements AutoCloseable {

    private static final int SEEK_SET = 0;
    private static final int SEEK_CUR = 1;
    private static final int SEEK_END = 2;
    /** AVERROR(EINVAL) and AVERROR(EIO): 22 and 5 on Linux, macOS and Windows alike. */
    private static final int AVERROR_EINVAL = -22;
    private static final int AVERROR_EIO = -5;

    private static final Map<Long, CallbackInput> OPEN = new ConcurrentHashMap<>();
    private static final AtomicLong NEXT_KEY = new AtomicLong(1);

    static final Read_packet_Pointer_BytePointer_int READ = new Read_packet_Pointer_BytePointer_int() {
        @Override
        public int call(Pointer opaque, BytePointer buf, int size) {
            CallbackInput in = OPEN.get(opaque.address());
            if (in == null || size <= 0) {
                return in == null ? AVERROR_EOF : 0;
            }
            try {
                int n = in.read(buf.position(0).limit(size).asByteBuffer());
                return n <= 0 ? AVERROR_EOF : n;
            } catch (IOException | RuntimeException e) {
                in.failure = e;
                return AVERROR_EIO;
            }
        }
    };

    static final Seek_Pointer_long_int SEEK = new Seek_Pointer_long_int() {
        @Override
        public long call(Pointer opaque, long offset, int whence) {
            CallbackInput in = OPEN.get(opaque.address());
            if (in == null) {
                return AVERROR_EINVAL;
            }
            try {
                long size = in.size();
                int how = whence & ~AVSEEK_FORCE;
                if (how == AVSEEK_SIZE) {
                    return size;
                }
                long to = switch (how) {
                    case SEEK_SET -> offset;
                    case SEEK_CUR -> in.position() + offset;
                    case SEEK_END -> size + offset;
                    default -> -1;
                };
                if (to < 0 || to > size) {
                    return AVERROR_EINVAL;
                }
                in.position(to);
                return to;
            } catch (IOException | RuntimeException e) {
                in.failure = e;
                return AVERROR_EIO;
            }
        }
    };

    private final long key;
    private final Pointer opaque;
    /** What went wrong reading, for the error message (the callback can only return a code). */
    volatile Exception failure;

    private CallbackInput() {
        this.key = NEXT_KEY.getAndIncrement();
        this.opaque = new Key(key);
        OPEN.put(key, this);
    }

    static CallbackInput of(byte[] data) {
        return new Bytes(data);
    }

    static CallbackInput of(Path file) throws IOException {
        return new File(FileChannel.open(file, StandardOpenOption.READ));
    }

    /** What to hand avio_alloc_context as {@code opaque}. */
    final Pointer opaque() {
        return opaque;
    }

    /** Leaves the callbacks' map (later calls with this key read as end of file) and closes a file. */
    @Override
    public void close() {
        OPEN.remove(key);
    }

    static int openCount() {
        return OPEN.size();
    }

    abstract int read(ByteBuffer into) throws IOException;

    abstract long size() throws IOException;

    abstract long position() throws IOException;

    abstract void position(long to) throws IOException;

    private static final class Bytes extends CallbackInput {
        private final byte[] data;
        private int at;

        Bytes(byte[] data) {
            this.data = data;
        }

        @Override
        int read(ByteBuffer into) {
            int n = Math.min(into.remaining(), data.length - at);
            if (n <= 0) {
                return -1;
            }
            into.put(data, at, n);
            at += n;
            return n;
        }

        @Override
        long size() {
            return data.length;
        }

        @Override
        long position() {
            return at;
        }

        @Override
        void position(long to) {
            at = (int) to;
        }
    }

    /** Reads straight into FFmpeg's buffer: the channel fills the native memory, no copy on the Java side. */
    private static final class File extends CallbackInput {
        private final FileChannel channel;

        File(FileChannel channel) {
            this.channel = channel;
        }

        @Override
        int read(ByteBuffer into) throws IOException {
            return channel.read(into);
        }

        @Override
        long size() throws IOException {
            return channel.size();
        }

        @Override
        long position() throws IOException {
            return channel.position();
        }

        @Override
        void position(long to) throws IOException {
            channel.position(to);
        }

        @Override
        public void close() {
            super.close();
            try {
                channel.close();
            } catch (IOException ignored) {
                // read-only: nothing was lost
            }
        }
    }

    /** A pointer whose address is a map key; it owns no memory. */
    private static final class Key extends Pointer {
        Key(long key) {
            address = key;
        }
    }
}
