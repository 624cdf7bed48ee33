package org.pgkernel.wire.internal.frame;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import java.util.Locale;
import org.pgkernel.wire.api.FrontendMessage.ProtocolViolation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frames the typed messages that follow the startup packet, cf. postgres.c SocketBackend()
 * and pqcomm.c pq_getmessage():
 * <pre>
 *  +------+-----------------+--------------------------------+
 *  | type | length (int32)  | body: length - 4 bytes         |
 *  +------+-----------------+--------------------------------+
 * </pre>
 * and emits one {@link Frame} (type and retained body) per message.
 *
 * <p>The type is checked as soon as its byte arrives and the length as soon as its word
 * arrives, before any body is waited for, so an announced size is never allocated before
 * it is known to be allowed. A type a frontend may not send emits
 * {@code ProtocolViolation(true, "invalid frontend message type N")}; a length below 4 or
 * above the type's limit ({@link Protocol#messageLimit}) emits
 * {@code ProtocolViolation(true, "invalid message length")}. Either way the framing is
 * lost: the decoder stops reading the socket and discards whatever else arrives.
 */
public final class MessageFrameDecoder extends ByteToMessageDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(MessageFrameDecoder.class);

    /** What the decoder is waiting for. */
    enum State {
        /** The type byte and the length word. */
        READ_HEADER,
        /** {@code bodyLength} bytes of the body of a message of type {@code type}. */
        READ_BODY,
        /** The framing was lost: everything is discarded. */
        FAILED
    }

    private State state = State.READ_HEADER;
    private byte type;
    private int bodyLength;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case READ_HEADER -> {
                if (!in.isReadable()) return;
                int t = in.getByte(in.readerIndex());
                int limit = Protocol.messageLimit(t);
                if (limit < 0) {
                    fail(ctx, in, out, String.format(Locale.ROOT, "invalid frontend message type %d", t));
                    return;
                }
                if (in.readableBytes() < 5) return;
                int length = in.getInt(in.readerIndex() + 1);
                if (length < 4 || length > limit) {
                    LOG.info("invalid message length");
                    fail(ctx, in, out, "invalid message length");
                    return;
                }
                in.skipBytes(5);
                type = (byte) t;
                bodyLength = length - 4;
                state = State.READ_BODY;
                readBody(in, out);
            }
            case READ_BODY -> readBody(in, out);
            case FAILED -> in.skipBytes(in.readableBytes());
        }
    }

    private void readBody(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < bodyLength) return;
        out.add(new Frame(type, in.readRetainedSlice(bodyLength)));
        state = State.READ_HEADER;
    }

    private void fail(ChannelHandlerContext ctx, ByteBuf in, List<Object> out, String message) {
        state = State.FAILED;
        in.skipBytes(in.readableBytes());
        ctx.channel().config().setAutoRead(false);
        out.add(new ProtocolViolation(true, message));
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        decode(ctx, in, out);
        if (state == State.READ_HEADER && in.isReadable()) {
            LOG.info("unexpected EOF within message length word");
        } else if (state == State.READ_BODY) {
            LOG.info("incomplete message from client");
        }
        in.skipBytes(in.readableBytes());
    }
}
