package dev.stt.server;

import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http.FullHttpRequest;

/** A WebSocket protocol served at one path: makes the frame handler for each upgraded connection. */
@FunctionalInterface
public interface WebSocketDoor {
    ChannelHandler open(SttServer server, FullHttpRequest upgrade);

    /** The largest message (and so frame) this door takes; the server's message limit unless the door says more. */
    default int maxMessageBytes(ServerConfig config) {
        return config.maxMessageBytes();
    }
}
