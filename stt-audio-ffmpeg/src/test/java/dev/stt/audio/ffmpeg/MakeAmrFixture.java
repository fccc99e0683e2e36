package dev.stt.audio.ffmpeg;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avutil.*;

import dev.stt.audio.AudioClip;
import dev.stt.audio.Resampler;
import dev.stt.audio.WavReader;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.ShortPointer;

/**
 * Made {@code src/test/resources/jfk.amr} once (Debian's ffmpeg has no AMR encoder; bytedeco's build has
 * opencore-amr's): jfk.wav brought to 8 kHz by our Resampler, encoded to AMR-NB 12.2 kb/s, written in the
 * RFC 4867 storage format ("#!AMR\n" and the frames, each led by its ToC byte).
 *
 * <pre>java -cp ... dev.stt.audio.ffmpeg.MakeAmrFixture stt-testkit/data/speech/jfk.wav jfk.amr</pre>
 */
public final class MakeAmrFixture {

    private MakeAmrFixture() {
    }

    public static void main(String[] args) throws Exception {
        AudioClip clip = WavReader.read(Path.of(args[0]));
        float[] x = Resampler.resample(clip.samples(), clip.sampleRate(), 8000);
        FfmpegDecoder.load();
        AVCodec codec = avcodec_find_encoder_by_name("libopencore_amrnb");
        AVCodecContext c = avcodec_alloc_context3(codec);
        c.sample_rate(8000);
        av_channel_layout_default(c.ch_layout(), 1);
        c.sample_fmt(AV_SAMPLE_FMT_S16);
        c.bit_rate(12200);
        c.time_base().num(1).den(8000);
        check(avcodec_open2(c, codec, (PointerPointer<?>) null), "open");
        AVFrame frame = av_frame_alloc();
        AVPacket packet = av_packet_alloc();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write("#!AMR\n".getBytes(StandardCharsets.US_ASCII));
        int n = c.frame_size(); // 160
        for (int at = 0; at < x.length; at += n) {
            frame.nb_samples(n);
            frame.format(AV_SAMPLE_FMT_S16);
            av_channel_layout_default(frame.ch_layout(), 1);
            frame.sample_rate(8000);
            check(av_frame_get_buffer(frame, 0), "frame buffer");
            ShortPointer pcm = new ShortPointer(frame.data(0));
            for (int i = 0; i < n; i++) {
                float v = at + i < x.length ? x[at + i] : 0f;
                pcm.put(i, (short) Math.round(Math.max(-1f, Math.min(1f, v)) * 32767f));
            }
            frame.pts(at);
            check(avcodec_send_frame(c, frame), "send");
            av_frame_unref(frame);
            drain(c, packet, out);
        }
        check(avcodec_send_frame(c, null), "flush");
        drain(c, packet, out);
        Files.write(Path.of(args[1]), out.toByteArray());
        av_packet_free(packet);
        av_frame_free(frame);
        avcodec_free_context(c);
        System.out.println("wrote " + args[1] + ": " + out.size() + " bytes");
    }

    private static void drain(AVCodecContext c, AVPacket packet, ByteArrayOutputStream out) {
        while (avcodec_receive_packet(c, packet) == 0) {
            byte[] b = new byte[packet.size()];
            packet.data().get(b);
            out.write(b, 0, b.length);
            av_packet_unref(packet);
        }
    }

    private static void check(int r, String what) {
        if (r < 0) {
            throw new IllegalStateException(what + ": " + FfmpegSource.error(r));
        }
    }
}
