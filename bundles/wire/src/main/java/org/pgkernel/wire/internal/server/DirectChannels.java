package org.pgkernel.wire.internal.server;

import io.netty.channel.Channel;
import io.netty.channel.nio.AbstractNioChannel;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;
import java.net.SocketOption;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.attribute.UserPrincipal;

/**
 * The socket under an accepted Netty NIO channel (TCP or Unix-domain), so that the backend
 * thread can write an answer to the socket itself (one non-blocking write(2), as a PostgreSQL
 * backend does) instead of handing every answer to the event loop, which costs a task and a
 * selector wake-up per message. Reading stays with the event loop.
 *
 * <p>Netty keeps {@code AbstractNioChannel.javaChannel()} protected and its Unix-domain
 * channel final, so the socket is reached through a private lookup (Netty's packages live in
 * unnamed modules, which are open). When that is not possible every write simply goes through
 * the event loop, as before.
 */
final class DirectChannels {
    private static final MethodHandle JAVA_CHANNEL = lookup();

    private DirectChannels() { }

    private static MethodHandle lookup() {
        try {
            return MethodHandles.privateLookupIn(AbstractNioChannel.class, MethodHandles.lookup())
                    .findVirtual(AbstractNioChannel.class, "javaChannel", MethodType.methodType(SelectableChannel.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The user name in the peer credentials of a Unix-domain socket (SO_PEERCRED), or null
     * when the socket is not one, the platform has no such option or it cannot be read.
     *
     * <p>The option is {@code jdk.net.ExtendedSocketOptions.SO_PEERCRED}, whose value is a
     * {@code jdk.net.UnixDomainPrincipal}. The OSGi framework does not export the
     * {@code jdk.net} package to bundles, so both are reached without naming them: the option
     * among the socket's supported options by its name, the user through the record's
     * {@code user} component (a {@code java.nio.file.attribute.UserPrincipal}).
     */
    static String peerUserName(SocketChannel socket) {
        if (socket == null) return null;
        try {
            for (SocketOption<?> option : socket.supportedOptions()) {
                if (!option.name().equals("SO_PEERCRED")) continue;
                Object credentials = socket.getOption(option);
                if (credentials == null || !credentials.getClass().isRecord()) return null;
                for (RecordComponent c : credentials.getClass().getRecordComponents()) {
                    if (c.getName().equals("user") && c.getAccessor().invoke(credentials) instanceof UserPrincipal u) {
                        return u.getName();
                    }
                }
                return null;
            }
            return null;
        } catch (IOException | ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** The channel's socket, or null when it has none we may write to. */
    static SocketChannel socketOf(Channel channel) {
        if (JAVA_CHANNEL == null || !(channel instanceof AbstractNioChannel nio)) return null;
        try {
            return (SelectableChannel) JAVA_CHANNEL.invoke(nio) instanceof SocketChannel s ? s : null;
        } catch (Throwable t) {
            return null;
        }
    }
}
