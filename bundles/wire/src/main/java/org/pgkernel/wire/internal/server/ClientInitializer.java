package org.pgkernel.wire.internal.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import java.time.Duration;
import org.pgkernel.wire.api.ConnectionHandler;
import org.pgkernel.wire.internal.frame.StartupDecoder;

/** Sets up a new connection's pipeline for its startup phase. */
final class ClientInitializer extends ChannelInitializer<Channel> {
    private final ConnectionHandler connections;
    private final WireServer.Cancels cancels;
    private final Duration authenticationTimeout;
    private final boolean unixSocket;

    ClientInitializer(ConnectionHandler connections, WireServer.Cancels cancels, Duration authenticationTimeout,
                      boolean unixSocket) {
        this.connections = connections;
        this.cancels = cancels;
        this.authenticationTimeout = authenticationTimeout;
        this.unixSocket = unixSocket;
    }

    @Override
    protected void initChannel(Channel ch) {
        ch.pipeline()
                .addLast(StartupHandler.STARTUP_DECODER, new StartupDecoder(authenticationTimeout))
                .addLast(StartupHandler.STARTUP_HANDLER, new StartupHandler(connections, cancels, unixSocket));
    }
}
