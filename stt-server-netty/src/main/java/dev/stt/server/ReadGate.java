package dev.stt.server;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * Who holds a connection's reading off. Several reasons may stop reading at once (the client does not read
 * its output, a session is behind on its audio); reading resumes only when none is left. Event loop only.
 */
public final class ReadGate {

    /** The client does not read what it is sent: its output is above the write high-water mark. */
    public static final int OUTPUT = 1;
    /** The session is behind on the audio already received. */
    public static final int SESSION = 2;

    private static final AttributeKey<int[]> HOLDS = AttributeKey.valueOf("stt.read-holds");

    private ReadGate() {
    }

    public static void hold(Channel ch, int reason) {
        holds(ch)[0] |= reason;
        ch.config().setAutoRead(false);
    }

    public static void release(Channel ch, int reason) {
        int[] h = holds(ch);
        h[0] &= ~reason;
        if (h[0] == 0) {
            ch.config().setAutoRead(true);
        }
    }

    private static int[] holds(Channel ch) {
        int[] h = ch.attr(HOLDS).get();
        if (h == null) {
            h = new int[1];
            ch.attr(HOLDS).set(h);
        }
        return h;
    }
}
