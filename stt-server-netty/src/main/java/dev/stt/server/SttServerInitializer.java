package dev.stt.server;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/** One handler per concern; the router swaps in a WebSocket door after the upgrade. */
final class SttServerInitializer extends ChannelInitializer<SocketChannel> {

    /** Request line and headers; a URL or header past this is refused, not buffered. */
    static final int MAX_INITIAL_LINE = 8 * 1024;
    static final int MAX_HEADER_SIZE = 16 * 1024;

    private final SttServer server;

    SttServerInitializer(SttServer server) {
        this.server = server;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        server.track(ch);
        ch.config().setWriteBufferWaterMark(OutputBound.WATER_MARK);
        String refused = server.connections().admit(ch);
        ChannelPipeline p = ch.pipeline();
        HeaderDeadline deadline = new HeaderDeadline(server.config().headerTimeoutSeconds(), server.metrics());
        p.addLast("output-bound", new OutputBound(server.metrics()));
        p.addLast("deadline-raw", deadline.raw());
        p.addLast("http", new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, 64 * 1024));
        p.addLast("http-metrics", new HttpRequestCounter(server));
        if (refused != null) {
            server.metrics().error("connection_limit");
            p.addLast("refuse", new ConnectionLimit.Refuse(refused));
        }
        p.addLast("deadline", deadline.decoded());
        p.addLast("aggregate", new HttpObjectAggregator(Math.max(server.config().maxMessageBytes(), server.config().maxUploadBytes())));
        p.addLast("idle", new IdleStateHandler(0, 0, server.config().idleTimeoutSeconds(), TimeUnit.SECONDS));
        p.addLast("router", new HttpRouter(server));
        server.connectionSetup().forEach(setup -> setup.accept(p));
    }
}
