package org.pgkernel.wire.api;

import java.net.SocketAddress;
import java.nio.charset.Charset;
import org.pgkernel.kernel.api.Latch;

/**
 * One client connection after its startup packet, as the backend process uses it. The
 * network thread queues incoming frames and sets the wake-up latch; the backend thread
 * polls, decodes and writes. Only the backend thread calls {@link #poll()},
 * {@link #writer()}, {@link #flush()} and {@link #close()}.
 *
 * <p>The latch is set after every queued message, when the peer closes (the channel becomes
 * inactive), when the channel's writability changes either way, and once by
 * {@link #setWakeup}. The backend's loop, as latch.h teaches it:
 * <pre>
 * for (;;) {
 *     latch.reset();
 *     FrontendMessage m = conn.poll();
 *     if (m != null) { handle(m); continue; }
 *     if (!conn.isOpen()) break;            // peer gone and nothing left
 *     process.checkForInterrupts();
 *     latch.await(timeout);
 * }
 * conn.close();                             // always: releases what is still queued
 * </pre>
 * and to wait for a slow client while sending:
 * <pre>
 * conn.flush();
 * while (!conn.isWritable() &amp;&amp; conn.isOpen()) {
 *     latch.reset();
 *     if (conn.isWritable() || !conn.isOpen()) break;
 *     process.checkForInterrupts();
 *     latch.await(timeout);
 * }
 * </pre>
 *
 * <p>Implemented by the wire bundle only (a provider type): methods may be added in minor
 * versions of this package.
 */
@org.osgi.annotation.versioning.ProviderType
public interface FrontendConnection {

    /** The latch to set when a message arrives, the peer closes, or the channel's writability changes; it is set once at once. */
    void setWakeup(Latch latch);

    /**
     * The next message, decoded now in the current client encoding, or null when none is
     * queued. Never blocks. When the queue drains below the low-water mark, reading from the
     * socket resumes (backpressure). After the peer closed, the messages that arrived before
     * are still returned, then null; after {@link #close()}, always null. A fatal
     * {@link FrontendMessage.ProtocolViolation} is the last message ever returned.
     */
    FrontendMessage poll();

    /**
     * false once the peer has closed the connection or shut its writing side (EOF), or it was
     * closed; queued messages may remain. After the peer's EOF, messages written and flushed
     * still reach it while the socket's other direction is open.
     */
    boolean isOpen();

    /** The buffer of outgoing messages; the same object for the life of the connection. */
    MessageWriter writer();

    /** Hands what the writer holds to the network (asynchronously); does nothing when it holds nothing. */
    void flush();

    /**
     * false while more than the high-water mark (64 kB) of outgoing bytes waits for the
     * network, until it drops below the low-water mark (32 kB); false after close. Bytes still
     * in the writer (not flushed) do not count.
     */
    boolean isWritable();

    /** Flushes and closes the connection, and releases the messages still queued. Idempotent. */
    void close();

    SocketAddress remoteAddress();

    SocketAddress localAddress();

    boolean isUnixSocket();

    /** Whether the connection is encrypted with TLS (after an SSLRequest, or direct TLS). */
    boolean isSsl();

    /**
     * The TLS session: protocol, cipher, the server's certificate (channel binding), the
     * client's verified certificate and its names (cert authentication, pg_stat_ssl); null
     * exactly when {@link #isSsl()} is false.
     */
    TlsSession tlsSession();

    /**
     * The operating-system user name of the process at the other end of a Unix-domain socket,
     * read from the socket's peer credentials (SO_PEERCRED), as getpeereid() gives it to
     * PostgreSQL's {@code peer} authentication; null over TCP, or when the platform or the
     * socket does not tell. A user id without a name in the user database is given as its
     * number.
     */
    String peerUserName();

    /** The client encoding used to decode incoming strings and encode outgoing ones; UTF-8 until set. */
    void setClientEncoding(Charset charset);
}
