package org.pgkernel.wire.internal.frame;

import io.netty.buffer.ByteBuf;

/**
 * One frontend message as framed, not yet decoded: the type byte and the body (the length
 * word already stripped). The body is a retained buffer; whoever takes the frame releases it.
 */
public record Frame(byte type, ByteBuf body) {
    public void release() {
        body.release();
    }
}
