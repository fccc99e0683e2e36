package dev.stt.audio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads RIFF/WAVE files into a mono {@link AudioClip} at the file's own rate.
 *
 * <p>Reads integer PCM (8-bit unsigned, 16, 24 and 32-bit signed), IEEE float (32 and 64-bit), G.711
 * A-law and µ-law, each plain or as WAVE_FORMAT_EXTENSIBLE, with any number of channels (averaged to
 * mono) and sample rates from {@value #MIN_SAMPLE_RATE} to {@value #MAX_SAMPLE_RATE} Hz. Chunks other than {@code fmt } and {@code data} (LIST, fact, cue, ...) are
 * skipped, honouring the pad byte after odd-sized chunks. A data size of 0xFFFFFFFF, which streaming
 * writers leave when they cannot seek back, means "to the end of the file"; any other data size larger
 * than the file is an error rather than a silent cut. A partial last frame is dropped.
 *
 * <p>Everything malformed, truncated or unsupported fails with an {@link AudioFormatException} whose
 * message names the problem.
 */
public final class WavReader {

    static final int FORMAT_PCM = 0x0001;
    static final int FORMAT_FLOAT = 0x0003;
    static final int FORMAT_ALAW = 0x0006;
    static final int FORMAT_MULAW = 0x0007;
    static final int FORMAT_EXTENSIBLE = 0xFFFE;
    /**
     * The rates a file may claim. Below 1 kHz no speech survives, and resampling up to 16 kHz would
     * multiply the samples (a 60 KB file claiming 1 Hz became 1.9 GB of floats); above 384 kHz no
     * recorder writes. Checked from the header, before a sample is decoded.
     */
    public static final int MIN_SAMPLE_RATE = SampleRateException.MIN_RATE;
    public static final int MAX_SAMPLE_RATE = SampleRateException.MAX_RATE;
    /** Java arrays stop just short of 2 GiB; a RIFF size field cannot say more than 4 GiB anyway. */
    static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 8;
    private static final long STREAMED_SIZE = 0xFFFF_FFFFL;

    /** Common tags we do not decode, named so the error tells the user what they have. */
    private static final Map<Integer, String> UNSUPPORTED_TAGS = Map.ofEntries(
        Map.entry(0x0002, "Microsoft ADPCM"),
        Map.entry(0x0011, "IMA ADPCM"),
        Map.entry(0x0022, "TrueSpeech"),
        Map.entry(0x0031, "GSM 6.10"),
        Map.entry(0x0040, "G.721 ADPCM"),
        Map.entry(0x0050, "MPEG"),
        Map.entry(0x0055, "MPEG Layer 3"),
        Map.entry(0x0092, "Dolby AC-3 SPDIF"),
        Map.entry(0x00FF, "AAC"),
        Map.entry(0x0160, "WMA v1"),
        Map.entry(0x0161, "WMA v2"),
        Map.entry(0x0162, "WMA Pro"),
        Map.entry(0x1610, "HE-AAC"),
        Map.entry(0x2000, "Dolby AC-3"),
        Map.entry(0xF1AC, "FLAC"));

    /** Bytes 2..15 of the KSDATAFORMAT_SUBTYPE_* GUIDs; bytes 0..1 hold the plain format tag. */
    private static final byte[] SUBFORMAT_GUID_TAIL = {
        0x00, 0x00, 0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00, (byte) 0xAA, 0x00, 0x38, (byte) 0x9B, 0x71};

    private WavReader() {
    }

    public static AudioClip read(Path path) throws IOException {
        long size = Files.size(path);
        if (size > MAX_FILE_BYTES) {
            throw new AudioFormatException(path + ": " + size + " bytes is more than the " + MAX_FILE_BYTES
                + " a WAV file read into memory may have");
        }
        try {
            return read(Files.readAllBytes(path));
        } catch (AudioFormatException e) {
            throw new AudioFormatException(path + ": " + e.getMessage());
        }
    }

    public static AudioClip read(byte[] bytes) throws AudioFormatException {
        Layout l = layout(bytes);
        return new AudioClip(l.format().decodeMono(bytes, l.dataOffset(), l.dataLength()), l.format().sampleRate());
    }

    /**
     * What the header says about the audio, read without decoding a sample: lets a server refuse a file
     * by its rate or length before spending memory on it. Fails exactly where {@link #read(byte[])} would.
     */
    public static Header header(byte[] bytes) throws AudioFormatException {
        Layout l = layout(bytes);
        return new Header(l.format().sampleRate(), l.format().channels(), l.dataLength() / l.format().blockAlign());
    }

    /** A WAV file's rate, channel count and length in frames (samples per channel), from its header. */
    public record Header(int sampleRate, int channels, long frames) {
        public double durationSeconds() {
            return (double) frames / sampleRate;
        }
    }

    private record Layout(Format format, int dataOffset, int dataLength) {
    }

    private static Layout layout(byte[] bytes) throws AudioFormatException {
        if (bytes.length < 12) {
            throw new AudioFormatException("not a WAV file: " + bytes.length + " bytes, shorter than a RIFF header");
        }
        String riff = fourCc(bytes, 0);
        if (riff.equals("RF64")) {
            throw new AudioFormatException("RF64 (64-bit WAV) files are not supported");
        }
        if (riff.equals("RIFX")) {
            throw new AudioFormatException("big-endian (RIFX) WAV files are not supported");
        }
        if (!riff.equals("RIFF")) {
            throw new AudioFormatException("not a WAV file: starts with '" + riff + "', not 'RIFF'" + guessContainer(bytes));
        }
        if (!fourCc(bytes, 8).equals("WAVE")) {
            throw new AudioFormatException("not a WAV file: RIFF form is '" + fourCc(bytes, 8) + "', not 'WAVE'");
        }
        Format format = null;
        int dataOffset = -1;
        int dataLength = 0;
        long pos = 12;
        while (pos + 8 <= bytes.length && (format == null || dataOffset < 0)) {
            int at = (int) pos;
            String id = fourCc(bytes, at);
            long size = u32(bytes, at + 4);
            int body = at + 8;
            long available = bytes.length - body;
            if (id.equals("data")) {
                if (size == STREAMED_SIZE) {
                    size = available;
                } else if (size > available) {
                    throw new AudioFormatException(
                        "truncated data chunk: header says " + size + " bytes, file has " + available);
                }
                dataOffset = body;
                dataLength = (int) size;
            } else if (size > available) {
                throw new AudioFormatException(
                    "truncated " + id + " chunk: header says " + size + " bytes, file has " + available);
            } else if (id.equals("fmt ")) {
                format = Format.parse(bytes, body, (int) size);
            }
            pos = body + size + (size & 1);
        }
        if (format == null) {
            throw new AudioFormatException("no fmt chunk before the end of the file");
        }
        if (dataOffset < 0) {
            throw new AudioFormatException("no data chunk");
        }
        return new Layout(format, dataOffset, dataLength);
    }

    /** The fields of a fmt chunk this reader needs, validated. */
    private record Format(int tag, int channels, int sampleRate, int bitsPerSample, int blockAlign) {

        static Format parse(byte[] b, int at, int size) throws AudioFormatException {
            if (size < 16) {
                throw new AudioFormatException("fmt chunk too short: " + size + " bytes, need at least 16");
            }
            int tag = u16(b, at);
            int channels = u16(b, at + 2);
            long rate = u32(b, at + 4);
            int blockAlign = u16(b, at + 12);
            int bits = u16(b, at + 14);
            if (tag == FORMAT_EXTENSIBLE) {
                if (size < 40) {
                    throw new AudioFormatException(
                        "WAVE_FORMAT_EXTENSIBLE fmt chunk too short: " + size + " bytes, need 40");
                }
                int guid = at + 24;
                for (int i = 0; i < SUBFORMAT_GUID_TAIL.length; i++) {
                    if (b[guid + 2 + i] != SUBFORMAT_GUID_TAIL[i]) {
                        throw new AudioFormatException("unsupported WAVE_FORMAT_EXTENSIBLE sub-format " + guid(b, guid));
                    }
                }
                // bitsPerSample is the container size, which is what the layout needs; the valid bits
                // (e.g. 20 of 24) are the high ones, so decoding the container is right
                tag = u16(b, guid);
            }
            if (channels == 0) {
                throw new AudioFormatException("0 channels");
            }
            if (rate < MIN_SAMPLE_RATE || rate > MAX_SAMPLE_RATE) {
                throw new SampleRateException(rate); // a u32 in the header: out of range here before any cast
            }
            checkBits(tag, bits);
            if (blockAlign != channels * (bits / 8)) {
                throw new AudioFormatException("block align " + blockAlign + " does not match " + channels
                    + " channel(s) of " + bits + "-bit samples (expected " + channels * (bits / 8) + ")");
            }
            return new Format(tag, channels, (int) rate, bits, blockAlign);
        }

        private static void checkBits(int tag, int bits) throws AudioFormatException {
            boolean ok = switch (tag) {
                case FORMAT_PCM -> bits == 8 || bits == 16 || bits == 24 || bits == 32;
                case FORMAT_FLOAT -> bits == 32 || bits == 64;
                case FORMAT_ALAW, FORMAT_MULAW -> bits == 8;
                default -> throw new AudioFormatException(String.format("unsupported format tag 0x%04X (%s)",
                    tag, UNSUPPORTED_TAGS.getOrDefault(tag, "unknown")));
            };
            if (!ok) {
                throw new AudioFormatException(bits + "-bit samples are not valid for " + name(tag)
                    + " (" + switch (tag) {
                        case FORMAT_PCM -> "8, 16, 24 or 32";
                        case FORMAT_FLOAT -> "32 or 64";
                        default -> "8";
                    } + " are)");
            }
        }

        private static String name(int tag) {
            return switch (tag) {
                case FORMAT_PCM -> "integer PCM";
                case FORMAT_FLOAT -> "IEEE float";
                case FORMAT_ALAW -> "A-law";
                default -> "µ-law";
            };
        }

        float[] decodeMono(byte[] b, int offset, int length) {
            int frames = length / blockAlign; // a partial last frame carries no complete sample
            int bytesPerSample = bitsPerSample / 8;
            float[] mono = new float[frames];
            float scale = 1f / channels;
            int p = offset;
            for (int f = 0; f < frames; f++) {
                float sum = 0;
                for (int c = 0; c < channels; c++, p += bytesPerSample) {
                    sum += sample(b, p);
                }
                mono[f] = channels == 1 ? sum : sum * scale;
            }
            return mono;
        }

        private float sample(byte[] b, int p) {
            return switch (tag) {
                case FORMAT_PCM -> switch (bitsPerSample) {
                    case 8 -> ((b[p] & 0xff) - 128) / 128f;
                    case 16 -> (short) ((b[p] & 0xff) | (b[p + 1] << 8)) / 32768f;
                    case 24 -> ((b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | b[p + 2] << 16) / 8388608f;
                    default -> (float) (s32(b, p) / 2147483648.0);
                };
                case FORMAT_FLOAT -> clip(bitsPerSample == 32
                    ? Float.intBitsToFloat(s32(b, p))
                    : Double.longBitsToDouble((s32(b, p) & 0xFFFF_FFFFL) | (long) s32(b, p + 4) << 32));
                case FORMAT_ALAW -> G711.aLaw(b[p]);
                default -> G711.muLaw(b[p]);
            };
        }

        /** Float WAVs may exceed full scale; the clip contract is [-1, 1], and NaN carries no level. */
        private static float clip(double x) {
            return x != x ? 0f : (float) Math.max(-1.0, Math.min(1.0, x));
        }
    }

    /** What a non-WAV upload probably is, so the user knows what to convert from. */
    private static String guessContainer(byte[] b) {
        String magic = fourCc(b, 0);
        if (magic.equals("fLaC")) {
            return " (looks like FLAC)";
        } else if (magic.equals("OggS")) {
            return " (looks like Ogg)";
        } else if (magic.equals("FORM")) {
            return " (looks like AIFF)";
        } else if (magic.startsWith("ID3") || ((b[0] & 0xff) == 0xFF && (b[1] & 0xE0) == 0xE0)) {
            return " (looks like MP3)";
        } else if (s32(b, 0) == 0xA3DF451A) { // EBML header
            return " (looks like WebM/Matroska)";
        } else if (fourCc(b, 4).equals("ftyp")) {
            return " (looks like MP4/M4A)";
        }
        return "";
    }

    private static String fourCc(byte[] b, int at) {
        StringBuilder s = new StringBuilder(4);
        for (int i = at; i < at + 4; i++) {
            int c = b[i] & 0xff;
            s.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
        }
        return s.toString();
    }

    private static String guid(byte[] b, int at) {
        return String.format("{%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}", u32(b, at), u16(b, at + 4),
            u16(b, at + 6), b[at + 8], b[at + 9], b[at + 10], b[at + 11], b[at + 12], b[at + 13], b[at + 14], b[at + 15]);
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }

    private static int s32(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | b[at + 3] << 24;
    }

    private static long u32(byte[] b, int at) {
        return s32(b, at) & 0xFFFF_FFFFL;
    }
}
