package org.pgkernel.wire.internal.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.util.ReferenceCountUtil;
import org.pgkernel.wire.api.ConnectionHandler;
import org.pgkernel.wire.api.StartupPacket;
import org.pgkernel.wire.internal.frame.CancelRequest;
import org.pgkernel.wire.internal.frame.MessageFrameDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acts on what the {@link org.pgkernel.wire.internal.frame.StartupDecoder} emits. A
 * CancelRequest is passed to the postmaster and the connection closed, as postmaster.c
 * processCancelRequest() does. A StartupPacket turns the pipeline into its message phase
 * <pre>
 *   startup: StartupDecoder → StartupHandler
 *   message: MessageFrameDecoder → ChannelConnection's receiver
 * </pre>
 * (the bytes that came after the startup packet pass to the MessageFrameDecoder), then hands
 * the connection to the backend's {@link ConnectionHandler}.
 */
final class StartupHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(StartupHandler.class);

    static final String STARTUP_DECODER = "startup";
    static final String STARTUP_HANDLER = "startup-handler";
    static final String FRAME_DECODER = "frame";
    static final String RECEIVER = "receiver";

    private final ConnectionHandler connections;
    private final WireServer.Cancels cancels;
    private final boolean unixSocket;

    StartupHandler(ConnectionHandler connections, WireServer.Cancels cancels, boolean unixSocket) {
        this.connections = connections;
        this.cancels = cancels;
        this.unixSocket = unixSocket;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof CancelRequest c) {
            try {
                cancels.cancelRequest(c.pid(), c.key());
            } catch (RuntimeException e) {
                LOG.warn("could not process cancel request", e);
            }
            ctx.close();
        } else if (msg instanceof StartupPacket packet) {
            ChannelConnection connection = new ChannelConnection(ctx.channel(), unixSocket);
            ChannelPipeline p = ctx.pipeline();
            p.addAfter(STARTUP_DECODER, FRAME_DECODER, new MessageFrameDecoder());
            p.replace(this, RECEIVER, connection.receiver());
            p.remove(STARTUP_DECODER); // passes on the bytes after the packet
            try {
                connections.startup(connection, packet);
            } catch (RuntimeException e) {
                LOG.warn("could not start a backend for the connection", e);
                connection.close();
            }
        } else {
            ReferenceCountUtil.release(msg);
        }
    }
}
