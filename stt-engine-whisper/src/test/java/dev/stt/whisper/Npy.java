package dev.stt.whisper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** Minimal reader for numpy's .npy (little-endian float32/float64, C order) and .npz (a zip of .npy). */
final class Npy {

    record Array(int[] shape, double[] data) {
        double at(int row, int col) {
            return data[row * shape[1] + col];
        }
    }

    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([<>|]?)([fi])(\\d)'");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    static Array read(Path path) throws IOException {
        return parse(Files.readAllBytes(path));
    }

    static Map<String, Array> readNpz(Path path) throws IOException {
        Map<String, Array> out = new HashMap<>();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(path))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                out.put(e.getName().replaceFirst("\\.npy$", ""), parse(zip.readAllBytes()));
            }
        }
        return out;
    }

    static Array parse(byte[] bytes) throws IOException {
        if (bytes.length < 10 || bytes[0] != (byte) 0x93 || !new String(bytes, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
            throw new IOException("not a .npy file");
        }
        int major = bytes[6];
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen = major == 1 ? Short.toUnsignedInt(b.getShort(8)) : b.getInt(8);
        int dataStart = (major == 1 ? 10 : 12) + headerLen;
        String header = new String(bytes, major == 1 ? 10 : 12, headerLen, StandardCharsets.US_ASCII);
        if (header.contains("'fortran_order': True")) {
            throw new IOException("Fortran-order arrays are not supported");
        }
        Matcher d = DESCR.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !s.find() || d.group(1).equals(">")) {
            throw new IOException("unsupported .npy header: " + header);
        }
        int[] shape = Arrays.stream(s.group(1).split(",")).map(String::strip).filter(x -> !x.isEmpty()).mapToInt(Integer::parseInt).toArray();
        int count = Arrays.stream(shape).reduce(1, (x, y) -> x * y);
        int width = Integer.parseInt(d.group(3));
        double[] data = new double[count];
        b.position(dataStart);
        for (int i = 0; i < count; i++) {
            data[i] = switch (d.group(2) + width) {
                case "f4" -> b.getFloat();
                case "f8" -> b.getDouble();
                default -> throw new IOException("unsupported dtype " + d.group(2) + width);
            };
        }
        return new Array(shape, data);
    }
}
