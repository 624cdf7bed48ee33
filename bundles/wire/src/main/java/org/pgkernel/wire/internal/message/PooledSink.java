package org.pgkernel.wire.internal.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import org.pgkernel.wire.api.MessageWriter;

/**
 * The {@link MessageWriter.Sink} of one connection: a pooled buffer taken from the channel's
 * allocator on the first write after each {@link #take()}, so an idle session holds no
 * buffer. Used by the backend thread only; the buffer changes hands (to the event loop) in
 * {@link #take()}.
 */
public final class PooledSink implements MessageWriter.Sink {
    /** First capacity of a fresh buffer: most answers (ParseComplete…ReadyForQuery) fit. */
    static final int INITIAL_CAPACITY = 512;

    private final ByteBufAllocator alloc;
    private ByteBuf buf;

    public PooledSink(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    private ByteBuf buf() {
        ByteBuf b = buf;
        if (b == null) {
            b = alloc.buffer(INITIAL_CAPACITY);
            buf = b;
        }
        return b;
    }

    @Override public void writeByte(int value) { buf().writeByte(value); }

    @Override public void writeShort(int value) { buf().writeShort(value); }

    @Override public void writeInt(int value) { buf().writeInt(value); }

    @Override public void writeBytes(byte[] src, int offset, int length) { buf().writeBytes(src, offset, length); }

    @Override public int writeUtf8(CharSequence s) { return ByteBufUtil.writeUtf8(buf(), s); }

    @Override public void setInt(int index, int value) { buf().setInt(index, value); }

    @Override public int size() { return buf == null ? 0 : buf.writerIndex(); }

    @Override public void truncate(int index) {
        if (buf != null) buf.writerIndex(index);
    }

    /** Hands over what was written (the caller releases it), or null when nothing was. */
    public ByteBuf take() {
        ByteBuf b = buf;
        buf = null;
        if (b != null && !b.isReadable()) {
            b.release();
            return null;
        }
        return b;
    }

    /** Drops what was written and returns the buffer to the pool. */
    public void release() {
        ByteBuf b = buf;
        buf = null;
        if (b != null) b.release();
    }
}
