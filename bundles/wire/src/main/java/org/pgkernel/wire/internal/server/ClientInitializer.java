package org.pgkernel.wire.internal.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import java.time.Duration;
import org.pgkernel.wire.api.ConnectionHandler;
import org.pgkernel.wire.internal.frame.StartupDecoder;
import org.pgkernel.wire.internal.tls.DirectTlsDetector;
import org.pgkernel.wire.internal.tls.ServerTls;

/**
 * Sets up a new connection's pipeline for its startup phase:
 * <pre>
 *   [DirectTlsDetector →] StartupDecoder → StartupHandler
 * </pre>
 * The detector (direct TLS) is there only on TCP connections accepted while the server offers
 * TLS; it leaves after the first byte.
 */
final class ClientInitializer extends ChannelInitializer<Channel> {
    static final String DIRECT_TLS_DETECTOR = "direct-tls";

    private final ConnectionHandler connections;
    private final WireServer.Cancels cancels;
    private final Duration authenticationTimeout;
    private final boolean unixSocket;
    /** The server's TLS; null on Unix-domain sockets, where TLS is never offered. */
    private final ServerTls tls;

    ClientInitializer(ConnectionHandler connections, WireServer.Cancels cancels, Duration authenticationTimeout,
                      boolean unixSocket, ServerTls tls) {
        this.connections = connections;
        this.cancels = cancels;
        this.authenticationTimeout = authenticationTimeout;
        this.unixSocket = unixSocket;
        this.tls = unixSocket ? null : tls;
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        if (tls != null && tls.enabled()) {
            p.addLast(DIRECT_TLS_DETECTOR, new DirectTlsDetector(tls, StartupDecoder.TLS_HANDLER));
        }
        p.addLast(StartupHandler.STARTUP_DECODER, new StartupDecoder(authenticationTimeout, tls))
                .addLast(StartupHandler.STARTUP_HANDLER, new StartupHandler(connections, cancels, unixSocket));
    }
}
