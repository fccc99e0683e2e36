package dev.stt.audio.ffmpeg;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** A 2-channel 32-bit float WAV: left the signal, right the signal at half level. */
final class StereoFloatWav {

    private StereoFloatWav() {
    }

    static byte[] of(float[] x, int rate) {
        int data = x.length * 8;
        ByteBuffer b = ByteBuffer.allocate(44 + data).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + data).put("WAVE".getBytes());
        b.put("fmt ".getBytes()).putInt(16).putShort((short) 3).putShort((short) 2).putInt(rate).putInt(rate * 8)
            .putShort((short) 8).putShort((short) 32);
        b.put("data".getBytes()).putInt(data);
        for (float v : x) {
            b.putFloat(v).putFloat(v / 2);
        }
        return b.array();
    }
}
