package org.pgkernel.wire.internal.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.pgkernel.kernel.api.Latch;
import org.pgkernel.wire.api.FrontendConnection;
import org.pgkernel.wire.api.FrontendMessage;
import org.pgkernel.wire.api.MessageWriter;
import org.pgkernel.wire.api.TlsSession;
import org.pgkernel.wire.internal.frame.Frame;
import org.pgkernel.wire.internal.message.FrontendMessages;
import org.pgkernel.wire.internal.message.PooledSink;
import org.pgkernel.wire.internal.tls.TlsSessions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection after its startup packet: the meeting point of the event loop,
 * which frames input, and the backend process, which decodes, answers and waits.
 *
 * <p>The event loop puts each {@link Frame} (or a fatal ProtocolViolation from the framer)
 * into the inbox and sets the wake-up latch. The backend takes them with {@link #poll()},
 * which decodes the body in the current client encoding and releases the buffer. The inbox
 * is bounded: above {@value #HIGH_WATER_MESSAGES} messages or {@value #HIGH_WATER_BYTES}
 * bytes the event loop stops reading the socket (autoRead off); once {@link #poll()} has
 * brought it to {@value #LOW_WATER_MESSAGES} messages and {@value #LOW_WATER_BYTES} bytes
 * reading resumes. The frames decoded from one socket read are always queued, so the inbox
 * may exceed the high-water mark by what one read delivers.
 *
 * <p>The decision to pause and to resume is taken under the inbox lock together with the
 * queue change, so a pause can never overtake the resume that should follow it.
 *
 * <p>Outgoing messages accumulate in the {@link MessageWriter}'s pooled buffer;
 * {@link #flush()} hands that buffer to the event loop in one writeAndFlush. The channel's
 * write-buffer high-water mark is set by the listener; {@link #isWritable()} mirrors it, and
 * a change of writability sets the latch.
 */
public final class ChannelConnection implements FrontendConnection {
    private static final Logger LOG = LoggerFactory.getLogger(ChannelConnection.class);

    /** The inbox pauses reading above this many queued messages… */
    static final int HIGH_WATER_MESSAGES = 64;
    /** …or above this many queued body bytes. */
    static final int HIGH_WATER_BYTES = 1 << 20;
    /** Reading resumes at or below this many queued messages… */
    static final int LOW_WATER_MESSAGES = 16;
    /** …and at or below this many queued body bytes. */
    static final int LOW_WATER_BYTES = 256 << 10;

    private final Channel channel;
    private final boolean unixSocket;
    private final PooledSink sink;
    private final MessageWriter writer;
    private final Receiver receiver = new Receiver();

    private volatile Charset clientEncoding = StandardCharsets.UTF_8;
    private volatile Latch latch;

    private final ReentrantLock inboxLock = new ReentrantLock();
    /** Frames and fatal ProtocolViolations, oldest first; guarded by inboxLock. */
    private final ArrayDeque<Object> inbox = new ArrayDeque<>();
    /** Body bytes in the inbox; guarded by inboxLock. */
    private long inboxBytes;
    /** Reading is paused because the inbox is full; guarded by inboxLock. */
    private boolean paused;
    /** close() was called; guarded by inboxLock for the inbox's sake, volatile for isOpen(). */
    private volatile boolean closed;
    /**
     * The peer shut its side (EOF). The channel allows half-closure, so what the backend
     * still writes (a FATAL for the last message, say) reaches a client that shut down its
     * writing side only, as it does from PostgreSQL.
     */
    private volatile boolean inputShutdown;

    /** The socket the backend writes to itself (see {@link #flush()}); null where it may not, as over TLS. */
    private final java.nio.channels.SocketChannel direct;
    /** The TLS session, null without TLS; the handshake completed before the startup packet could arrive. */
    private final TlsSession tls;
    /** The Unix-domain peer's OS user name once read (see {@link #peerUserName()}). */
    private volatile String peerUser;
    /** Writes handed to the event loop and not yet completed. */
    private final java.util.concurrent.atomic.AtomicInteger queuedInNetty = new java.util.concurrent.atomic.AtomicInteger();
    private final io.netty.channel.ChannelFutureListener dequeued = f -> queuedInNetty.decrementAndGet();

    /**
     * Built when the startup packet has arrived: a TLS connection's {@code SslHandler} is in the
     * pipeline by then (its handshake is complete), which keeps the backend from writing to the
     * socket itself and gives {@link #tlsSession()}.
     */
    public ChannelConnection(Channel channel, boolean unixSocket) {
        this.channel = Objects.requireNonNull(channel);
        io.netty.handler.ssl.SslHandler ssl = channel.pipeline().get(io.netty.handler.ssl.SslHandler.class);
        this.direct = ssl == null ? DirectChannels.socketOf(channel) : null;
        this.tls = ssl == null ? null : TlsSessions.of(ssl);
        this.unixSocket = unixSocket;
        this.sink = new PooledSink(channel.alloc());
        this.writer = new MessageWriter(sink, () -> clientEncoding);
    }

    /** The handler that ends the pipeline: it fills the inbox and wakes the backend. */
    public ChannelInboundHandlerAdapter receiver() {
        return receiver;
    }

    @Override
    public void setWakeup(Latch latch) {
        this.latch = latch;
        if (latch != null) latch.set(); // whatever arrived before is not lost
    }

    private void wake() {
        Latch l = latch;
        if (l != null) l.set();
    }

    @Override
    public FrontendMessage poll() {
        Object next;
        inboxLock.lock();
        try {
            next = inbox.poll();
            if (next == null) return null;
            inboxBytes -= sizeOf(next);
            if (paused && inbox.size() <= LOW_WATER_MESSAGES && inboxBytes <= LOW_WATER_BYTES) {
                paused = false;
                channel.config().setAutoRead(true);
            }
        } finally {
            inboxLock.unlock();
        }
        if (next instanceof Frame f) {
            try {
                return FrontendMessages.decode(f.type(), f.body(), clientEncoding);
            } finally {
                f.release();
            }
        }
        return (FrontendMessage) next;
    }

    private static long sizeOf(Object o) {
        return o instanceof Frame f ? f.body().readableBytes() : 0;
    }

    /** Queues one message from the framer; on the event loop. */
    void offer(Object msg) {
        inboxLock.lock();
        try {
            if (closed) {
                ReferenceCountUtil.release(msg instanceof Frame f ? f.body() : msg);
                return;
            }
            inbox.add(msg);
            inboxBytes += sizeOf(msg);
            if (!paused && (inbox.size() > HIGH_WATER_MESSAGES || inboxBytes > HIGH_WATER_BYTES)) {
                paused = true;
                channel.config().setAutoRead(false);
            }
        } finally {
            inboxLock.unlock();
        }
        wake();
    }

    /** How many messages wait in the inbox (tests and monitoring). */
    int queued() {
        inboxLock.lock();
        try {
            return inbox.size();
        } finally {
            inboxLock.unlock();
        }
    }

    @Override
    public boolean isOpen() {
        return !closed && !inputShutdown && channel.isActive();
    }

    @Override
    public MessageWriter writer() {
        return writer;
    }

    /**
     * Hands the answer to the socket. While nothing of ours waits in Netty's outbound buffer,
     * the backend writes to the non-blocking socket itself; what the socket does not take (or
     * everything, while earlier bytes are still queued, or over TLS) goes to the event loop, so
     * bytes never overtake each other and Netty's writability still reflects a slow reader.
     */
    @Override
    public void flush() {
        ByteBuf out = sink.take();
        if (out == null) return;
        if (direct != null && queuedInNetty.get() == 0) {
            try {
                int n = out.readableBytes();
                java.nio.ByteBuffer nio = out.nioBufferCount() == 1 ? out.internalNioBuffer(out.readerIndex(), n) : out.nioBuffer();
                int written = 0;
                while (written < n) {
                    int w = direct.write(nio);
                    if (w <= 0) break;
                    written += w;
                }
                out.skipBytes(written);
            } catch (IOException e) {
                // the peer is gone; the event loop will see it too. cf. pq_flush's COMMERROR
                out.release();
                LOG.info("could not send data to client: {}", e.getMessage());
                channel.close();
                return;
            }
            if (!out.isReadable()) {
                out.release();
                return;
            }
        }
        queuedInNetty.incrementAndGet();
        channel.writeAndFlush(out).addListener(dequeued);
    }

    @Override
    public boolean isWritable() {
        return channel.isWritable();
    }

    @Override
    public void close() {
        if (closed) return;
        flush();
        inboxLock.lock();
        try {
            closed = true;
            for (Object o; (o = inbox.poll()) != null; ) {
                if (o instanceof Frame f) f.release();
            }
            inboxBytes = 0;
        } finally {
            inboxLock.unlock();
        }
        sink.release();
        channel.close();
    }

    Channel channelForTests() {
        return channel;
    }

    @Override
    public SocketAddress remoteAddress() {
        return channel.remoteAddress();
    }

    @Override
    public SocketAddress localAddress() {
        return channel.localAddress();
    }

    @Override
    public boolean isUnixSocket() {
        return unixSocket;
    }

    @Override
    public boolean isSsl() {
        return tls != null;
    }

    @Override
    public TlsSession tlsSession() {
        return tls;
    }

    @Override
    public String peerUserName() {
        if (!unixSocket) return null;
        String name = peerUser;
        if (name == null) {
            // asked once, by the backend thread, during authentication; getsockopt does not block
            name = DirectChannels.peerUserName(DirectChannels.socketOf(channel));
            peerUser = name;
        }
        return name;
    }

    @Override
    public void setClientEncoding(Charset charset) {
        this.clientEncoding = Objects.requireNonNull(charset);
    }

    /** The last inbound handler: runs on the event loop. */
    private final class Receiver extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Frame || msg instanceof FrontendMessage) {
                offer(msg);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            wake();
            ctx.fireChannelInactive();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                inputShutdown = true;
                wake();
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            wake();
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof IOException) {
                // cf. pqcomm.c pq_recvbuf(): COMMERROR, to the log only
                LOG.info("could not receive data from client: {}", cause.getMessage());
            } else if (cause instanceof io.netty.handler.codec.DecoderException
                    && cause.getCause() instanceof javax.net.ssl.SSLException ssl) {
                // cf. be_tls_read(): "SSL error: %s", COMMERROR
                LOG.info("SSL error: {}", ssl.getMessage());
            } else {
                LOG.warn("unexpected error on client connection", cause);
            }
            ctx.close();
        }
    }
}
