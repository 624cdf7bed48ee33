package org.pgkernel.wire.internal.frame;

import static org.pgkernel.wire.internal.frame.Protocol.CANCEL_REQUEST_CODE;
import static org.pgkernel.wire.internal.frame.Protocol.CANCEL_REQUEST_LENGTH;
import static org.pgkernel.wire.internal.frame.Protocol.MAX_STARTUP_PACKET_LENGTH;
import static org.pgkernel.wire.internal.frame.Protocol.NEGOTIATE_GSS_CODE;
import static org.pgkernel.wire.internal.frame.Protocol.NEGOTIATE_SSL_CODE;
import static org.pgkernel.wire.internal.frame.Protocol.PG_PROTOCOL_LATEST;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.pgkernel.kernel.api.SqlState;
import org.pgkernel.wire.api.ErrorFields;
import org.pgkernel.wire.api.MessageWriter;
import org.pgkernel.wire.api.StartupPacket;
import org.pgkernel.wire.internal.message.PooledSink;
import org.pgkernel.wire.internal.tls.ServerTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

/**
 * The first handler of every connection: reads the startup-phase packets, which have no
 * type byte, cf. postmaster.c ProcessStartupPacket():
 * <pre>
 *  +-----------------+-----------------+---------------------------------------+
 *  | length (int32)  | code (int32)    | rest: length - 8 bytes                |
 *  +-----------------+-----------------+---------------------------------------+
 *   code 1234.5679 SSLRequest      no rest; answered 'S' and TLS when the server offers it
 *                                  (not on Unix-domain sockets), else 'N'; then another packet
 *   code 1234.5680 GSSENCRequest   no rest; answered 'N', then another packet
 *   code 1234.5678 CancelRequest   rest = pid, secret key; emits {@link CancelRequest}
 *   code 3.0                       StartupMessage: rest = (name NUL value NUL)* NUL;
 *                                  emits {@link StartupPacket}
 * </pre>
 *
 * <p>Bad input gets PostgreSQL's answer and a close, never an exception up the pipeline:
 * a length outside 8..{@value Protocol#MAX_STARTUP_PACKET_LENGTH}+4 (or a CancelRequest
 * that is not 16 bytes) closes without a reply, logged as "invalid length of startup
 * packet"; bytes that arrive together with an SSLRequest or GSSENCRequest, before its answer
 * was read, get FATAL 08P01 "received unencrypted data after SSL request"; a protocol major
 * version other than 3 gets FATAL 0A000 "unsupported frontend protocol …" (in the version-2
 * layout for a version-2 client, as PostgreSQL answers it); a body that does not end with
 * the terminator exactly at its last byte gets FATAL 08P01 "invalid startup packet layout:
 * expected terminator as last byte". A second SSLRequest (or GSSENCRequest) is read as a
 * StartupMessage of protocol 1234.5679 and so rejected as an unsupported protocol, and so is
 * any SSLRequest or GSSENCRequest once TLS is in use.
 *
 * <p>TLS (cf. ProcessStartupPacket() and be_tls_open_server()): after the 'S' has been written
 * in the clear, the connection's {@link SslHandler} goes in front of this decoder, which then
 * reads the decrypted startup packet. A handshake that fails is logged as "could not accept SSL
 * connection: …" and the connection closed. A connection that began with a TLS ClientHello
 * (direct TLS, PostgreSQL 17; the {@link org.pgkernel.wire.internal.tls.DirectTlsDetector}
 * started it) must have negotiated ALPN "postgresql", else it is logged as "received direct
 * SSL connection request without ALPN protocol negotiation extension" and closed.
 *
 * <p>After emitting a StartupPacket or a CancelRequest the decoder reads nothing more: the
 * handler after it replaces it with the {@link MessageFrameDecoder}, which receives the bytes
 * that followed the startup packet, or closes the channel.
 *
 * <p>A client that has not sent a complete startup packet {@code timeout} after the channel
 * became active is closed without a word, as postmaster.c's StartupPacketTimeoutHandler does.
 */
public final class StartupDecoder extends ByteToMessageDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(StartupDecoder.class);
    private static final Marker FATAL = MarkerFactory.getMarker("FATAL");

    static final String MITM_DETAIL =
            "This could be either a client-software bug or evidence of an attempted man-in-the-middle attack.";

    /** What the decoder is waiting for. */
    enum State {
        /** A length word and a whole packet: SSLRequest, GSSENCRequest, CancelRequest or StartupMessage. */
        AWAIT_PACKET,
        /** A StartupPacket or CancelRequest went downstream, or the connection is being closed: read no more. */
        FINISHED
    }

    private final Duration timeout;
    /** The server's TLS, null where TLS is never offered (Unix-domain sockets, tests). */
    private final ServerTls tls;
    /** An SSLRequest was answered 'S': TLS came by negotiation, not directly. */
    private boolean sslAnswered;
    private State state = State.AWAIT_PACKET;
    /** An SSLRequest was answered; another one is an unsupported protocol (ProcessStartupPacket's ssl_done). */
    private boolean sslDone;
    /** A GSSENCRequest was answered (gss_done). */
    private boolean gssDone;
    private ScheduledFuture<?> timer;

    /** @param timeout authentication_timeout; zero or negative for none */
    public StartupDecoder(Duration timeout) {
        this(timeout, null);
    }

    /**
     * @param timeout authentication_timeout; zero or negative for none
     * @param tls     the server's TLS, asked for a handler when an SSLRequest arrives; null to
     *                answer every SSLRequest 'N'
     */
    public StartupDecoder(Duration timeout, ServerTls tls) {
        this.timeout = timeout;
        this.tls = tls;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        super.handlerAdded(ctx);
        if (ctx.channel().isActive()) startTimer(ctx);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        startTimer(ctx);
        super.channelActive(ctx);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        stopTimer();
    }

    private void startTimer(ChannelHandlerContext ctx) {
        if (timer != null || timeout.isZero() || timeout.isNegative()) return;
        timer = ctx.executor().schedule(() -> {
            if (state == State.AWAIT_PACKET) {
                // cf. StartupPacketTimeoutHandler(): _exit(1), the client hears nothing
                state = State.FINISHED;
                ctx.close();
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void stopTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (state == State.FINISHED) {
            return;
        }
        if (in.readableBytes() < 4) return;
        int start = in.readerIndex();
        int length = in.getInt(start);
        // ProcessStartupPacket(): len -= 4; len < sizeof(ProtocolVersion) || len > MAX_STARTUP_PACKET_LENGTH
        if (length - 4 < 4 || length - 4 > MAX_STARTUP_PACKET_LENGTH) {
            LOG.info("invalid length of startup packet");
            closeSilently(ctx, in);
            return;
        }
        if (in.readableBytes() < length) return;
        int code = in.getInt(start + 4);

        if (code == CANCEL_REQUEST_CODE) {
            if (length != CANCEL_REQUEST_LENGTH) {
                LOG.info("invalid length of startup packet");
                closeSilently(ctx, in);
                return;
            }
            int pid = in.getInt(start + 8);
            int key = in.getInt(start + 12);
            in.skipBytes(length);
            finish();
            out.add(new CancelRequest(pid, key));
            return;
        }
        if (code == NEGOTIATE_SSL_CODE && !sslDone && !tlsInUse(ctx)) {
            in.skipBytes(length);
            sslDone = true;
            SslHandler handler = answerSslRequest(ctx);
            negotiate(ctx, in, handler == null ? (byte) 'N' : (byte) 'S', "received unencrypted data after SSL request");
            if (handler != null && state == State.AWAIT_PACKET) {
                // the 'S' is already on its way in the clear; everything after it is TLS
                sslAnswered = true;
                gssDone = true;
                ctx.pipeline().addBefore(ctx.name(), TLS_HANDLER, handler);
            }
            return;
        }
        if (code == NEGOTIATE_GSS_CODE && !gssDone && !tlsInUse(ctx)) {
            in.skipBytes(length);
            gssDone = true;
            negotiate(ctx, in, (byte) 'N', "received unencrypted data after GSSAPI encryption request");
            return;
        }

        int major = code >>> 16;
        int minor = code & 0xFFFF;
        if (major != PG_PROTOCOL_LATEST >>> 16) {
            String msg = String.format(Locale.ROOT, "unsupported frontend protocol %d.%d: server supports 3.0 to 3.%d",
                    major, minor, PG_PROTOCOL_LATEST & 0xFFFF);
            in.skipBytes(in.readableBytes());
            if (major < 3) {
                fatalV2(ctx, msg);
            } else {
                fatal(ctx, SqlState.FEATURE_NOT_SUPPORTED, msg, null);
            }
            return;
        }

        Map<String, String> params = parseParameters(in, start + 8, start + length);
        if (params == null) {
            in.skipBytes(in.readableBytes());
            fatal(ctx, SqlState.PROTOCOL_VIOLATION, "invalid startup packet layout: expected terminator as last byte",
                    null);
            return;
        }
        in.skipBytes(length);
        finish();
        out.add(new StartupPacket(code, params));
    }

    /**
     * The name/value pairs of a StartupMessage body in [from, to), in the order sent, or null
     * when the terminator is not exactly the last byte. A later duplicate name wins.
     */
    static Map<String, String> parseParameters(ByteBuf in, int from, int to) {
        Map<String, String> params = new LinkedHashMap<>();
        int offset = from;
        while (offset < to) {
            if (in.getByte(offset) == 0) break; // the terminator
            int nameEnd = in.indexOf(offset, to, (byte) 0);
            if (nameEnd < 0) return null;
            int valueStart = nameEnd + 1;
            if (valueStart >= to) break; // a name without a value: complained about below
            int valueEnd = in.indexOf(valueStart, to, (byte) 0);
            if (valueEnd < 0) return null;
            params.put(in.toString(offset, nameEnd - offset, StandardCharsets.UTF_8),
                    in.toString(valueStart, valueEnd - valueStart, StandardCharsets.UTF_8));
            offset = valueEnd + 1;
        }
        if (offset != to - 1) return null;
        return Collections.unmodifiableMap(params);
    }

    /** The pipeline name of the connection's TLS handler. */
    public static final String TLS_HANDLER = "tls";

    /**
     * The answer to an SSLRequest: a TLS handler for the connection when the server offers TLS
     * on it ('S'), else null ('N'). Unix-domain sockets get no {@code tls} and so always 'N'.
     */
    private SslHandler answerSslRequest(ChannelHandlerContext ctx) {
        return tls == null ? null : tls.newHandler(ctx.channel());
    }

    /** TLS is running on the connection (negotiated or direct): no more SSL or GSS requests. */
    private static boolean tlsInUse(ChannelHandlerContext ctx) {
        return ctx.pipeline().get(SslHandler.class) != null;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent done && state == State.AWAIT_PACKET) {
            if (!done.isSuccess()) {
                // cf. be_tls_open_server(): COMMERROR, to the log only; the alert went to the client
                LOG.info("could not accept SSL connection: {}", handshakeFailure(done.cause()));
                finish();
                ctx.close();
                return;
            }
            SslHandler handler = ctx.pipeline().get(SslHandler.class);
            String alpn = handler == null ? null : handler.engine().getApplicationProtocol();
            if (!sslAnswered && !ServerTls.ALPN_PROTOCOL.equals(alpn)) {
                // cf. ProcessSSLStartup(): direct TLS is only for clients that know they speak to PostgreSQL
                LOG.info("received direct SSL connection request without ALPN protocol negotiation extension");
                finish();
                ctx.close();
                return;
            }
        }
        super.userEventTriggered(ctx, evt);
    }

    /** What OpenSSL would have said, for the log: its reason strings where one maps, else the JDK's text. */
    static String handshakeFailure(Throwable cause) {
        Throwable t = cause;
        while (t.getCause() != null && !(t instanceof javax.net.ssl.SSLException)) t = t.getCause();
        if (t instanceof ClosedChannelException) return "EOF detected";
        String m = t.getMessage() == null ? t.toString() : t.getMessage();
        String lower = m.toLowerCase(Locale.ROOT);
        if (lower.contains("closed") || lower.contains("connection reset")) return "EOF detected";
        if (lower.contains("pkix") || lower.contains("certificate") && lower.contains("revoked")
                || lower.contains("certpath")) {
            return "certificate verify failed";
        }
        if (lower.contains("no cipher suites in common")) return "no shared cipher";
        if (lower.contains("protocol") && (lower.contains("not enabled") || lower.contains("not supported")
                || lower.contains("no appropriate"))) {
            return "unsupported protocol";
        }
        if (lower.contains("no_application_protocol") || lower.contains("application layer protocol")
                || lower.contains("application protocol")) {
            return "no application protocol";
        }
        if (lower.contains("not an ssl/tls record") || lower.contains("unsupported or unrecognized ssl message")) {
            return "wrong version number";
        }
        return m;
    }

    private void negotiate(ChannelHandlerContext ctx, ByteBuf in, byte answer, String unencryptedMessage) {
        ctx.writeAndFlush(ctx.alloc().buffer(1).writeByte(answer));
        if (in.isReadable()) {
            // cf. CVE-2021-23214: what came with the request was not protected by the answer
            in.skipBytes(in.readableBytes());
            fatal(ctx, SqlState.PROTOCOL_VIOLATION, unencryptedMessage, MITM_DETAIL);
        }
    }

    private void finish() {
        state = State.FINISHED;
        stopTimer();
    }

    private void closeSilently(ChannelHandlerContext ctx, ByteBuf in) {
        in.skipBytes(in.readableBytes());
        finish();
        ctx.close();
    }

    private void fatal(ChannelHandlerContext ctx, SqlState state, String message, String detail) {
        finish();
        LOG.error(FATAL, message);
        PooledSink sink = new PooledSink(ctx.alloc());
        new MessageWriter(sink, () -> StandardCharsets.UTF_8)
                .errorResponse(new ErrorFields("FATAL", "FATAL", state.code(), message, detail, null, 0, null));
        ctx.writeAndFlush(sink.take()).addListener(ChannelFutureListener.CLOSE);
    }

    /** The version-2 ErrorResponse: 'E', "FATAL:  message\n", NUL, no length word (elog.c send_message_to_frontend()). */
    private void fatalV2(ChannelHandlerContext ctx, String message) {
        finish();
        LOG.error(FATAL, message);
        ByteBuf buf = ctx.alloc().buffer();
        buf.writeByte('E');
        buf.writeCharSequence("FATAL:  " + message + "\n", StandardCharsets.UTF_8);
        buf.writeByte(0);
        ctx.writeAndFlush(buf).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (state == State.AWAIT_PACKET) decode(ctx, in, out);
        if (state == State.AWAIT_PACKET) {
            // EOF before a whole packet: a partial one is logged, no bytes at all is not worth
            // a line (ProcessStartupPacket()); either way there is nothing more to wait for
            if (in.isReadable()) {
                LOG.info("incomplete startup packet");
                in.skipBytes(in.readableBytes());
            }
            finish();
            ctx.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a failed TLS handshake was logged when its completion event came by
        LOG.debug("connection error during startup: {}", cause.toString());
        finish();
        ctx.close();
    }
}
