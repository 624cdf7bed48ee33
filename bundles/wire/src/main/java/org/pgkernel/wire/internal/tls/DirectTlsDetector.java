package org.pgkernel.wire.internal.tls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import java.util.List;

/**
 * PostgreSQL 17's direct TLS (cf. backend_startup.c ProcessSSLStartup()): the first handler of
 * a TCP connection while the server offers TLS. It looks at the first byte only. 0x16 is a TLS
 * handshake record (a ClientHello; no startup packet can start with it, as its length would be
 * hundreds of megabytes): the detector puts the connection's {@link SslHandler} in its own
 * place, and that handler gets the bytes read so far. Anything else is the ordinary startup
 * phase: the detector steps aside and the startup decoder gets the bytes. Whether the client
 * negotiated ALPN "postgresql", which direct TLS requires, is judged when the handshake has
 * completed (by the startup decoder).
 */
public final class DirectTlsDetector extends ByteToMessageDecoder {
    /** TLS ContentType handshake (RFC 8446 §5.1). */
    static final byte TLS_HANDSHAKE = 0x16;

    private final ServerTls tls;
    private final String handlerName;

    /** @param handlerName the pipeline name the TLS handler gets */
    public DirectTlsDetector(ServerTls tls, String handlerName) {
        this.tls = tls;
        this.handlerName = handlerName;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!in.isReadable()) return;
        SslHandler handler = in.getByte(in.readerIndex()) == TLS_HANDSHAKE ? tls.newHandler(ctx.channel()) : null;
        if (handler != null) {
            // replace() routes what this decoder still holds to the new handler when it is removed
            ctx.pipeline().replace(this, handlerName, handler);
        } else {
            // TLS off since the connection was accepted, or not TLS: the startup decoder judges the bytes
            ctx.pipeline().remove(this);
        }
    }
}
