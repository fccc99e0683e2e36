package dev.stt.audio.ffmpeg;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avformat.*;
import static org.bytedeco.ffmpeg.global.avutil.*;
import static org.bytedeco.ffmpeg.global.swresample.*;

import dev.stt.audio.AudioFormatException;
import dev.stt.audio.AudioSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVChannelLayout;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swresample.SwrContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * One file or upload decoded by FFmpeg, packet by packet: demux (libavformat), decode (libavcodec), mix down to
 * mono float at the stream's own rate (libswresample), handed out through {@link #read}. What is held at any
 * time is one packet, one decoded frame and its conversion, whatever the length of the file.
 *
 * <p>Ownership: this object alone frees every native object it allocates, each once, in {@link #close}
 * (also when opening fails part-way): the format context, the AVIOContext and its buffer, the callback input
 * (and its file channel), the codec context, the resampler, the packet, the frame, the output buffer and its
 * plane array, and the channel layouts. Not thread-safe: one reader.
 */
final class FfmpegSource implements AudioSource {

    /** Give up after this many decode or read errors in a row (a corrupt stretch longer than a few frames). */
    static final int MAX_CONSECUTIVE_ERRORS = 32;
    /** Audio this much shorter than declared (the larger of the two) is refused as cut short. */
    static final double TRUNCATED_MIN_SECONDS = 1.0;
    static final double TRUNCATED_FRACTION = 0.10;
    /** As WavReader: the highest rate any real recording uses. */
    static final int MAX_SAMPLE_RATE = 768_000;
    private static final int AVIO_BUFFER_BYTES = 64 * 1024;
    /** AVERROR(EPERM), what a nested open refused by the protocol whitelist returns; EPERM is 1 everywhere. */
    private static final int AVERROR_EPERM = -1;
    /** AVERROR(EAGAIN): EAGAIN is 35 on macOS, 11 on Linux and Windows. */
    private static final int AVERROR_EAGAIN = -(System.getProperty("os.name", "").toLowerCase().contains("mac") ? 35 : 11);

    private final String label;
    /** What was found, for messages once the audio stream is chosen: " (opus audio in matroska,webm)". */
    private String context = "";
    private AVFormatContext format;
    private AVIOContext avio;
    private CallbackInput input;
    private AVCodecContext codec;
    private SwrContext swr;
    private AVPacket packet;
    private AVFrame frame;
    private AVChannelLayout mono;
    private FloatPointer converted;
    /** The one-plane array swr_convert writes through, pointing at {@link #converted}. */
    private PointerPointer<FloatPointer> convertedPlanes;
    private long convertedCapacity;

    private int streamIndex = -1;
    private int sampleRate;
    private double declaredSeconds = Double.NaN;
    /** The input side the resampler was set up for; a change mid-stream rebuilds it. */
    private int swrInRate;
    private int swrInFormat = -1;
    private AVChannelLayout swrInLayout;

    private float[] pending = new float[0];
    private int pendingAt;
    private int pendingEnd;
    private boolean demuxerDone;
    private boolean decoderDone;
    private boolean finished;
    private int consecutiveErrors;
    private int lastError;
    private long lastErrorByte = -1;
    private long samplesOut;
    private boolean closed;

    private FfmpegSource(String label) {
        this.label = label;
    }

    /** A file, read by Java through the AVIOContext callbacks; {@code label} names it in messages. */
    static FfmpegSource openFile(Path file, String label) throws IOException {
        FfmpegSource s = new FfmpegSource(label);
        try {
            s.input = CallbackInput.of(file);
            s.openThrough(label);
            return s;
        } catch (IOException | RuntimeException | Error e) {
            s.close();
            throw e;
        }
    }

    /** Bytes in memory; {@code nameHint}'s extension guides probing. */
    static FfmpegSource openBytes(byte[] data, String nameHint, String label) throws IOException {
        FfmpegSource s = new FfmpegSource(label);
        try {
            s.input = CallbackInput.of(data);
            s.openThrough(nameHint == null ? "" : nameHint);
            return s;
        } catch (IOException | RuntimeException | Error e) {
            s.close();
            throw e;
        }
    }

    private void openThrough(String probeName) throws IOException {
        format = avformat_alloc_context();
        check(format != null && !format.isNull(), "out of memory");
        // FFmpeg opens nothing itself: a playlist or concat script in the data must not reach other files or
        // the network ("none" is no protocol's name, so every nested open is refused)
        check(av_opt_set(format, "protocol_whitelist", "none", 0));
        BytePointer buffer = new BytePointer(av_malloc(AVIO_BUFFER_BYTES)).capacity(AVIO_BUFFER_BYTES);
        check(!buffer.isNull(), "out of memory");
        avio = avio_alloc_context(buffer, AVIO_BUFFER_BYTES, 0, input.opaque(), CallbackInput.READ, null,
            CallbackInput.SEEK);
        if (avio == null || avio.isNull()) {
            av_free(buffer);
            avio = null;
            throw fail("out of memory");
        }
        format.pb(avio); // FFmpeg then sets AVFMT_FLAG_CUSTOM_IO: it never frees this AVIOContext
        // the name only guides probing (its extension); with pb set FFmpeg opens nothing by that name
        openInput(probeName.replaceAll("[^A-Za-z0-9._-]", "_"));
    }

    private void openInput(String url) throws IOException {
        BytePointer name = new BytePointer(url, StandardCharsets.UTF_8);
        int r;
        try {
            r = avformat_open_input(format, name, null, null);
        } finally {
            name.close();
        }
        if (r < 0) {
            // on failure FFmpeg has freed the context it was given and nulled our pointer to it
            format = null;
            String notOurs = "invalid data: not an audio or video format FFmpeg reads";
            // a demuxer that took the data for its own and ran off its end (a scratched Ogg) says EOF
            throw fail(r == AVERROR_INVALIDDATA ? notOurs : r == AVERROR_EOF ? notOurs + " (it ends mid-header)"
                : r == AVERROR_EPERM ? "it names other files or URLs to read (a playlist or concat script), which are"
                    + " not opened" : error(r));
        }
        String container = format.iformat().name().getString();
        r = avformat_find_stream_info(format, (PointerPointer<?>) null);
        if (r < 0) {
            throw fail("no readable streams in what looks like " + container + " (" + error(r) + ")");
        }
        streamIndex = av_find_best_stream(format, AVMEDIA_TYPE_AUDIO, -1, -1, (AVCodec) null, 0);
        if (streamIndex < 0) {
            for (int i = 0; i < format.nb_streams(); i++) {
                if (format.streams(i).codecpar().codec_type() == AVMEDIA_TYPE_AUDIO) {
                    // FFmpeg passes over audio streams whose header gives no channels or no sample rate
                    throw fail("its audio stream's header is unreadable: no channel count or sample rate ("
                        + container + " with " + describeStreams() + ")");
                }
            }
            throw new AudioFormatException("no audio stream in '" + label + "' (" + container + " with "
                + describeStreams() + ")");
        }
        for (int i = 0; i < format.nb_streams(); i++) {
            if (i != streamIndex) {
                format.streams(i).discard(AVDISCARD_ALL); // the demuxer skips video and subtitle packets
            }
        }
        AVStream stream = format.streams(streamIndex);
        AVCodecParameters par = stream.codecpar();
        context = " (" + avcodec_get_name(par.codec_id()).getString() + " audio in " + container + ")";
        AVCodec decoder = avcodec_find_decoder(par.codec_id());
        if (decoder == null || decoder.isNull()) {
            throw new AudioFormatException("cannot decode '" + label + "': unsupported audio codec '"
                + avcodec_get_name(par.codec_id()).getString() + "' in " + container);
        }
        codec = avcodec_alloc_context3(decoder);
        check(codec != null && !codec.isNull(), "out of memory");
        check(avcodec_parameters_to_context(codec, par));
        codec.pkt_timebase(stream.time_base());
        r = avcodec_open2(codec, decoder, (PointerPointer<?>) null);
        if (r < 0) {
            throw fail("cannot open the " + decoder.name().getString() + " decoder: " + error(r));
        }
        declaredSeconds = declared(stream);
        packet = av_packet_alloc();
        frame = av_frame_alloc();
        mono = new AVChannelLayout();
        av_channel_layout_default(mono, 1);
        check(packet != null && !packet.isNull() && frame != null && !frame.isNull(), "out of memory");
        // decode up to the first frame: its rate is the true one (HE-AAC doubles what the header says), and
        // a file that decodes to nothing at all is refused here rather than on the first read
        sampleRate = codec.sample_rate();
        if (!fill() && lastError != 0) {
            throw fail(error(lastError) + where());
        }
        if (sampleRate <= 0 || sampleRate > MAX_SAMPLE_RATE) {
            throw fail("the " + decoder.name().getString() + " stream's sample rate " + sampleRate
                + " Hz is outside 1.." + MAX_SAMPLE_RATE);
        }
    }

    private double declared(AVStream stream) {
        if (format.duration_estimation_method() == AVFMT_DURATION_FROM_BITRATE) {
            return Double.NaN; // a guess from the bit rate (an MP3 with no Xing header) is not a declaration
        }
        if (stream.duration() != AV_NOPTS_VALUE && stream.duration() > 0) {
            return stream.duration() * av_q2d(stream.time_base());
        }
        if (format.duration() != AV_NOPTS_VALUE && format.duration() > 0) {
            return format.duration() / (double) AV_TIME_BASE;
        }
        return Double.NaN;
    }

    private String describeStreams() {
        if (format.nb_streams() == 0) {
            return "no streams";
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < format.nb_streams(); i++) {
            AVCodecParameters p = format.streams(i).codecpar();
            s.append(i == 0 ? "" : ", ").append(av_get_media_type_string(p.codec_type()) == null
                ? "unknown" : av_get_media_type_string(p.codec_type()).getString())
                .append(' ').append(avcodec_get_name(p.codec_id()).getString());
        }
        return s.toString();
    }

    @Override
    public int sampleRate() {
        return sampleRate;
    }

    @Override
    public double declaredSeconds() {
        return declaredSeconds;
    }

    @Override
    public int read(float[] into) throws IOException {
        if (closed) {
            throw new IOException("'" + label + "' is closed");
        }
        if (into.length == 0) {
            return 0;
        }
        int n = 0;
        while (n < into.length) {
            if (pendingAt == pendingEnd && !fill()) {
                if (lastError != 0 && consecutiveErrors >= MAX_CONSECUTIVE_ERRORS) {
                    throw fail(error(lastError) + where() + " (" + consecutiveErrors + " errors in a row)");
                }
                if (finished && n == 0) {
                    checkLength();
                }
                break;
            }
            int k = Math.min(into.length - n, pendingEnd - pendingAt);
            System.arraycopy(pending, pendingAt, into, n, k);
            pendingAt += k;
            n += k;
        }
        return n == 0 ? -1 : n;
    }

    /**
     * Decodes until some samples are pending; false at the end of the audio or after too many errors in a row
     * (then {@link #lastError} says why).
     */
    private boolean fill() throws IOException {
        pendingAt = 0;
        pendingEnd = 0;
        while (!finished) {
            if (consecutiveErrors >= MAX_CONSECUTIVE_ERRORS) {
                return false;
            }
            int r = decoderDone ? AVERROR_EOF : avcodec_receive_frame(codec, frame);
            if (r == 0) {
                consecutiveErrors = 0;
                try {
                    convert(frame);
                } finally {
                    av_frame_unref(frame);
                }
                if (pendingEnd > 0) {
                    return true;
                }
            } else if (r == AVERROR_EAGAIN) {
                feed();
            } else if (r == AVERROR_EOF) {
                decoderDone = true;
                drainResampler();
                finished = true;
                return pendingEnd > 0;
            } else {
                noteError(r, -1);
            }
        }
        return false;
    }

    /** Sends the decoder the next packet of our stream, or the end-of-stream signal. */
    private void feed() throws IOException {
        while (true) {
            if (demuxerDone) {
                avcodec_send_packet(codec, null); // already flushing: receive_frame will say EOF
                return;
            }
            int r = av_read_frame(format, packet);
            if (r == AVERROR_EOF) {
                demuxerDone = true;
                avcodec_send_packet(codec, null);
                return;
            }
            if (r < 0) {
                noteError(r, -1);
                if (consecutiveErrors >= MAX_CONSECUTIVE_ERRORS || format.pb() != null && format.pb().eof_reached() != 0) {
                    demuxerDone = true; // a truncated file ends where its data does
                    avcodec_send_packet(codec, null);
                }
                return;
            }
            try {
                if (packet.stream_index() != streamIndex) {
                    continue;
                }
                long at = packet.pos();
                r = avcodec_send_packet(codec, packet);
                if (r < 0 && r != AVERROR_EAGAIN) {
                    noteError(r, at);
                }
                return;
            } finally {
                av_packet_unref(packet);
            }
        }
    }

    /**
     * At the end: audio far shorter than the container declares is a file cut short (an upload or copy that
     * stopped) or corrupt past where it resynchronises, and is refused rather than passed off as complete. Where
     * nothing is declared (an MP3 with no Xing header, a live-written WebM) a cut cannot be told from an end.
     */
    private void checkLength() throws AudioFormatException {
        if (Double.isNaN(declaredSeconds) || sampleRate <= 0) {
            return;
        }
        double decoded = samplesOut / (double) sampleRate;
        if (declaredSeconds - decoded > Math.max(TRUNCATED_MIN_SECONDS, TRUNCATED_FRACTION * declaredSeconds)) {
            throw fail(String.format(java.util.Locale.ROOT,
                "it ends at %.2f s of the %.2f s its header declares (cut short or corrupt)", decoded, declaredSeconds));
        }
    }

    /** Counts an error in the current run; the message names the byte where the run began (where it is known). */
    private void noteError(int r, long atByte) {
        if (consecutiveErrors == 0 || lastErrorByte < 0) {
            lastErrorByte = atByte;
        }
        consecutiveErrors++;
        lastError = r;
    }

    private void convert(AVFrame f) throws IOException {
        if (swr == null || f.sample_rate() != swrInRate || f.format() != swrInFormat
                || av_channel_layout_compare(f.ch_layout(), swrInLayout) != 0) {
            if (swr != null) {
                drainResampler(); // what the old set-up still holds, then build one for the new input
                freeResampler();
            }
            if (samplesOut == 0 && f.sample_rate() > 0) {
                sampleRate = f.sample_rate(); // nothing handed out yet: the first frame's rate is the truth
            }
            makeResampler(f);
        }
        int room = swr_get_out_samples(swr, f.nb_samples());
        ensureConverted(room);
        int got = swr_convert(swr, convertedPlanes, room, f.extended_data(), f.nb_samples());
        if (got < 0) {
            throw fail("cannot convert samples: " + error(got));
        }
        append(got);
    }

    private void makeResampler(AVFrame f) throws IOException {
        PointerPointer<SwrContext> holder = new PointerPointer<>(1);
        holder.put(0, (Pointer) null); // JavaCPP leaves new arrays unzeroed; FFmpeg would take garbage for a context
        try {
            int r = swr_alloc_set_opts2(holder, mono, AV_SAMPLE_FMT_FLT, sampleRate, f.ch_layout(), f.format(),
                f.sample_rate(), 0, null);
            swr = holder.get(SwrContext.class, 0);
            if (swr != null && swr.isNull()) {
                swr = null;
            }
            check(r);
            check(swr != null, "out of memory");
        } finally {
            holder.close();
        }
        // FFmpeg leaves a float down-mix unnormalised (stereo to mono is 0.707 L + 0.707 R, up to +3 dB over
        // full scale); a maximum of 1 makes every row sum to 1, i.e. the average of the channels
        av_opt_set_double(swr, "rematrix_maxval", 1.0, 0);
        check(swr_init(swr));
        swrInRate = f.sample_rate();
        swrInFormat = f.format();
        if (swrInLayout == null) {
            swrInLayout = new AVChannelLayout();
        } else {
            av_channel_layout_uninit(swrInLayout);
        }
        check(av_channel_layout_copy(swrInLayout, f.ch_layout()));
    }

    private void drainResampler() throws IOException {
        if (swr == null) {
            return;
        }
        int room = swr_get_out_samples(swr, 0);
        if (room <= 0) {
            return;
        }
        ensureConverted(room);
        int got = swr_convert(swr, convertedPlanes, room, null, 0);
        if (got > 0) {
            append(got);
        }
    }

    private void ensureConverted(int samples) {
        if (converted == null || convertedCapacity < samples) {
            if (converted != null) {
                converted.close();
            }
            convertedCapacity = Math.max(samples, 4096);
            converted = new FloatPointer(convertedCapacity);
            if (convertedPlanes == null) {
                convertedPlanes = new PointerPointer<>(1);
            }
            convertedPlanes.put(0, converted);
        }
    }

    /** Moves {@code got} converted samples behind those pending, clipped to [-1, 1] (NaN carries no level). */
    private void append(int got) {
        if (pendingEnd + got > pending.length) {
            float[] bigger = new float[Math.max(pendingEnd + got, pending.length * 2)];
            System.arraycopy(pending, 0, bigger, 0, pendingEnd);
            pending = bigger;
        }
        converted.position(0).get(pending, pendingEnd, got);
        for (int i = pendingEnd; i < pendingEnd + got; i++) {
            float x = pending[i];
            pending[i] = x != x ? 0f : Math.max(-1f, Math.min(1f, x));
        }
        pendingEnd += got;
        samplesOut += got;
    }

    private String where() {
        return lastErrorByte >= 0 ? " at byte " + lastErrorByte : "";
    }

    private void check(int r) throws AudioFormatException {
        if (r < 0) {
            throw fail(error(r));
        }
    }

    private void check(boolean ok, String what) throws AudioFormatException {
        if (!ok) {
            throw fail(what);
        }
    }

    private AudioFormatException fail(String why) {
        Exception io = input == null ? null : input.failure;
        return new AudioFormatException("cannot decode '" + label + "': " + why + context
            + (io == null ? "" : " (reading it: " + io + ")"));
    }

    static String error(int code) {
        byte[] buf = new byte[256];
        if (av_strerror(code, buf, buf.length) < 0) {
            return "FFmpeg error " + code;
        }
        int n = 0;
        while (n < buf.length && buf[n] != 0) {
            n++;
        }
        String s = new String(buf, 0, n, StandardCharsets.UTF_8);
        return s.isEmpty() ? "FFmpeg error " + code : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    private void freeResampler() {
        if (swr != null) {
            swr_free(swr);
            swr = null;
        }
    }

    /** Samples' worth of buffers held now (pending floats and the native conversion buffer), for tests. */
    long heldSamples() {
        return pending.length + convertedCapacity;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        freeResampler();
        if (codec != null) {
            avcodec_free_context(codec);
            codec = null;
        }
        if (packet != null) {
            av_packet_free(packet);
            packet = null;
        }
        if (frame != null) {
            av_frame_free(frame);
            frame = null;
        }
        if (format != null) {
            avformat_close_input(format); // with AVFMT_FLAG_CUSTOM_IO it leaves our AVIOContext alone
            format = null;
        }
        if (avio != null) {
            // FFmpeg may have swapped the buffer it was given for another of its own: free the current one
            Pointer buffer = avio.buffer();
            if (buffer != null && !buffer.isNull()) {
                av_free(buffer);
            }
            avio.buffer(null);
            avio_context_free(avio);
            avio = null;
        }
        if (input != null) {
            input.close();
            input = null;
        }
        if (mono != null) {
            av_channel_layout_uninit(mono);
            mono.close();
            mono = null;
        }
        if (swrInLayout != null) {
            av_channel_layout_uninit(swrInLayout);
            swrInLayout.close();
            swrInLayout = null;
        }
        if (convertedPlanes != null) {
            convertedPlanes.close();
            convertedPlanes = null;
        }
        if (converted != null) {
            converted.close();
            converted = null;
        }
        pending = new float[0];
    }
}
