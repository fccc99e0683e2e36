package dev.stt.audio.ffmpeg;

import dev.stt.audio.AudioDecoder;
import dev.stt.audio.AudioFormatException;
import dev.stt.audio.AudioSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.Loader;

/**
 * Every container and codec FFmpeg's libraries read (mp3, m4a/AAC, ogg/Vorbis and Opus, webm, flac, mp4, mov
 * and mkv video, wav of any codec, AMR, G.711, ...), decoded in-process through bytedeco's LGPL build of
 * FFmpeg: no executable, nothing to install. The best audio stream is decoded (video is skipped), mixed down
 * to mono and handed out as float at the stream's own rate.
 *
 * <p>The native libraries load on the first {@code open}, not when {@link java.util.ServiceLoader} makes
 * this object. FFmpeg's own log is silenced (the exception says what went wrong); {@code
 * -Dstt.ffmpeg.log=true} lets its warnings through to stderr.
 */
public final class FfmpegDecoder implements AudioDecoder {

    private static volatile boolean loaded;

    @Override
    public String name() {
        return "ffmpeg";
    }

    @Override
    public AudioSource open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw Files.exists(file) ? new AudioFormatException("'" + file + "' is not a file")
                : new NoSuchFileException(file.toString());
        }
        load();
        return FfmpegSource.openFile(file, label(file));
    }

    @Override
    public AudioSource open(byte[] data, String nameHint) throws IOException {
        String label = nameHint == null || nameHint.isBlank() ? "upload" : printable(nameHint);
        if (data.length == 0) {
            throw new AudioFormatException("cannot decode '" + label + "': it is empty (0 bytes)");
        }
        load();
        return FfmpegSource.openBytes(data, nameHint, label);
    }

    /**
     * An upload's name as it may appear in a message (which a door puts in a response or a log): control
     * characters (a newline forging a log line) become '?', and past 120 characters it is cut with "...".
     */
    static String printable(String name) {
        StringBuilder s = new StringBuilder(Math.min(name.length(), 123));
        name.codePoints().limit(120).forEach(c -> s.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        if (name.codePointCount(0, name.length()) > 120) {
            s.append("...");
        }
        return s.toString();
    }

    private static String label(Path file) {
        Path name = file.getFileName();
        return printable(name == null ? file.toString() : name.toString());
    }

    /** Loads the natives once; every later call is a volatile read. */
    static void load() {
        if (!loaded) {
            synchronized (FfmpegDecoder.class) {
                if (!loaded) {
                    // JavaCPP refuses its own allocations once the process's RSS passes maxPhysicalBytes (by
                    // default a few times -Xmx): in a server holding a large model outside the heap that would
                    // fail decoding for nothing. Our few JavaCPP allocations are freed explicitly; lift the
                    // limit unless the user set one (it is read once, when JavaCPP's Pointer is first used).
                    if (System.getProperty("org.bytedeco.javacpp.maxPhysicalBytes") == null) {
                        System.setProperty("org.bytedeco.javacpp.maxPhysicalBytes", "0");
                    }
                    Loader.load(avutil.class);
                    Loader.load(avformat.class);
                    avutil.av_log_set_level(Boolean.getBoolean("stt.ffmpeg.log") ? avutil.AV_LOG_WARNING
                        : avutil.AV_LOG_QUIET);
                    loaded = true;
                }
            }
        }
    }
}
