package dev.stt.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.util.AttributeKey;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests the server is working on for a connection. While one is, the connection is not idle whatever
 * the clock says: the client is waiting for us, not the other way round. Any thread.
 */
public final class InFlight {

    private static final AttributeKey<AtomicInteger> COUNT = AttributeKey.valueOf("stt.in-flight");

    private InFlight() {
    }

    public static void begin(Channel ch) {
        count(ch).incrementAndGet();
    }

    /** Ends when {@code answer} has been written (or failed), so the write itself counts as work too. */
    public static void endAfter(Channel ch, ChannelFuture answer) {
        if (answer == null) {
            end(ch);
        } else {
            answer.addListener(f -> end(ch));
        }
    }

    public static void end(Channel ch) {
        count(ch).decrementAndGet();
    }

    public static boolean any(Channel ch) {
        AtomicInteger n = ch.attr(COUNT).get();
        return n != null && n.get() > 0;
    }

    private static AtomicInteger count(Channel ch) {
        AtomicInteger n = ch.attr(COUNT).get();
        if (n == null) {
            AtomicInteger fresh = new AtomicInteger();
            n = ch.attr(COUNT).setIfAbsent(fresh);
            if (n == null) {
                n = fresh;
            }
        }
        return n;
    }
}
