package dev.stt.hardening;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A client on a bare TCP socket, for what well-behaved clients never do: half-sent headers, hand-made
 * WebSocket frames (invalid UTF-8, lying lengths), pings it never reads the answers to.
 */
final class RawSocket implements AutoCloseable {

    final Socket socket;
    final OutputStream out;
    final InputStream in;

    RawSocket(int port) throws IOException {
        this(port, 0);
    }

    /** With {@code receiveBuffer} > 0, a small receive window set before connecting: little is absorbed by the kernel. */
    RawSocket(int port, int receiveBuffer) throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout(10_000);
        out = socket.getOutputStream();
        in = socket.getInputStream();
    }

    /** A WebSocket connection to {@code path}, upgraded (101 checked). */
    static RawSocket websocket(int port, String path) throws IOException {
        return websocket(port, path, 0);
    }

    static RawSocket websocket(int port, String path, int receiveBuffer) throws IOException {
        RawSocket s = new RawSocket(port, receiveBuffer);
        String key = Base64.getEncoder().encodeToString(new byte[16]);
        s.write("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n");
        String head = s.readHead();
        if (!head.startsWith("HTTP/1.1 101")) {
            s.close();
            throw new IOException("upgrade refused: " + head);
        }
        return s;
    }

    void write(String ascii) throws IOException {
        out.write(ascii.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** The status line and headers of the next response. */
    String readHead() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int last4 = 0;
        while (last4 != 0x0D0A0D0A) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            b.write(c);
            last4 = last4 << 8 | c;
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** Everything until the server closes (or the timeout), as text. */
    String readAll() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                b.write(buf, 0, n);
            }
        } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
            // what came before is the answer
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    /** One masked client frame. */
    static byte[] frame(int opcode, byte[] payload, long declaredLength) {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(0x80 | opcode);
        if (declaredLength < 126) {
            f.write(0x80 | (int) declaredLength);
        } else if (declaredLength <= 0xFFFF) {
            f.write(0x80 | 126);
            f.write((int) (declaredLength >> 8));
            f.write((int) declaredLength);
        } else {
            f.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) {
                f.write((int) (declaredLength >> (8 * i)));
            }
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        f.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            f.write(payload[i] ^ mask[i & 3]);
        }
        return f.toByteArray();
    }

    void sendFrame(int opcode, byte[] payload) throws IOException {
        out.write(frame(opcode, payload, payload.length));
        out.flush();
    }

    /** A server frame: opcode and payload. */
    record Frame(int opcode, byte[] payload) {
        int closeCode() {
            return payload.length >= 2 ? (payload[0] & 0xff) << 8 | (payload[1] & 0xff) : -1;
        }

        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    Frame readFrame() throws IOException {
        DataInputStream d = new DataInputStream(in);
        int b0 = d.readUnsignedByte();
        int b1 = d.readUnsignedByte();
        long len = b1 & 0x7f;
        if (len == 126) {
            len = d.readUnsignedShort();
        } else if (len == 127) {
            len = d.readLong();
        }
        byte[] p = new byte[(int) len];
        d.readFully(p);
        return new Frame(b0 & 0x0f, p);
    }

    /** The next close frame, skipping others; null when the connection ends without one. */
    Frame readClose() throws IOException {
        try {
            while (true) {
                Frame f = readFrame();
                if (f.opcode() == 8) {
                    return f;
                }
            }
        } catch (java.io.EOFException | java.net.SocketException e) {
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
