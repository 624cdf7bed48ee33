package org.pgkernel.wire.internal.message;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.pgkernel.wire.api.FrontendMessage;
import org.pgkernel.wire.api.FrontendMessage.Bind;
import org.pgkernel.wire.api.FrontendMessage.Close;
import org.pgkernel.wire.api.FrontendMessage.CopyData;
import org.pgkernel.wire.api.FrontendMessage.CopyDone;
import org.pgkernel.wire.api.FrontendMessage.CopyFail;
import org.pgkernel.wire.api.FrontendMessage.Describe;
import org.pgkernel.wire.api.FrontendMessage.Execute;
import org.pgkernel.wire.api.FrontendMessage.Flush;
import org.pgkernel.wire.api.FrontendMessage.FunctionCall;
import org.pgkernel.wire.api.FrontendMessage.Parse;
import org.pgkernel.wire.api.FrontendMessage.PasswordMessage;
import org.pgkernel.wire.api.FrontendMessage.ProtocolViolation;
import org.pgkernel.wire.api.FrontendMessage.Query;
import org.pgkernel.wire.api.FrontendMessage.Sync;
import org.pgkernel.wire.api.FrontendMessage.Terminate;

/**
 * Decodes the body of one framed frontend message into its record, as postgres.c and
 * pqformat.c read them. A malformed body becomes a non-fatal ProtocolViolation worded as
 * pqformat.c words it: "insufficient data left in message" (a field runs past the end),
 * "invalid string in message" (no NUL terminator), "invalid message format" (bytes left
 * over where pq_getmsgend() is called). A string that is not valid in the client encoding
 * becomes {@code ProtocolViolation(false, "invalid byte sequence for encoding \"UTF8\": 0xc3 0x28")},
 * which the backend reports with SQLSTATE 22021 as mbutils.c does.
 *
 * <p>Bind parameter values, CopyData and PasswordMessage bodies stay bytes: their
 * interpretation (and, for text-format parameters, their conversion from the client
 * encoding) belongs to the backend.
 */
public final class FrontendMessages {
    private static final Sync SYNC = new Sync();
    private static final Flush FLUSH = new Flush();
    private static final Terminate TERMINATE = new Terminate();
    private static final CopyDone COPY_DONE = new CopyDone();

    private FrontendMessages() { }

    /** Thrown inside the decoder for a malformed body; never leaves this class. */
    private static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /** The record for a message of {@code type} with {@code body} (not released here). */
    public static FrontendMessage decode(byte type, ByteBuf body, Charset charset) {
        try {
            return switch (type) {
                case 'Q' -> {
                    String sql = string(body, charset);
                    end(body);
                    yield new Query(sql);
                }
                case 'P' -> parse(body, charset);
                case 'B' -> bind(body, charset);
                case 'D' -> {
                    char kind = (char) byte1(body);
                    String name = string(body, charset);
                    end(body);
                    yield new Describe(kind, name);
                }
                case 'E' -> {
                    String portal = string(body, charset);
                    int maxRows = int32(body);
                    end(body);
                    yield new Execute(portal, maxRows);
                }
                case 'C' -> {
                    char kind = (char) byte1(body);
                    String name = string(body, charset);
                    end(body);
                    yield new Close(kind, name);
                }
                case 'S' -> {
                    end(body);
                    yield SYNC;
                }
                case 'H' -> {
                    end(body);
                    yield FLUSH;
                }
                case 'X' -> TERMINATE;
                case 'd' -> new CopyData(bytes(body, body.readableBytes()));
                case 'c' -> COPY_DONE;
                case 'f' -> new CopyFail(string(body, charset));
                case 'F' -> functionCall(body);
                case 'p' -> new PasswordMessage(bytes(body, body.readableBytes()));
                default -> new ProtocolViolation(true,
                        String.format(Locale.ROOT, "invalid frontend message type %d", type));
            };
        } catch (Malformed e) {
            return new ProtocolViolation(false, e.getMessage());
        }
    }

    /** Parse: name, query, Int16 n, Int32 type OID × n. */
    private static Parse parse(ByteBuf body, Charset cs) throws Malformed {
        String name = string(body, cs);
        String query = string(body, cs);
        int n = uint16(body);
        int[] types = new int[n];
        need(body, 4L * n);
        for (int i = 0; i < n; i++) types[i] = body.readInt();
        end(body);
        return new Parse(name, query, types);
    }

    /**
     * Bind: portal, statement, Int16 n, Int16 format × n, Int16 m, (Int32 len, bytes) × m
     * (len -1 is NULL), Int16 k, Int16 result format × k.
     */
    private static Bind bind(ByteBuf body, Charset cs) throws Malformed {
        String portal = string(body, cs);
        String statement = string(body, cs);
        short[] formats = int16Array(body);
        int m = uint16(body);
        byte[][] values = new byte[m][];
        for (int i = 0; i < m; i++) {
            int len = int32(body);
            values[i] = len == -1 ? null : bytes(body, len);
        }
        short[] resultFormats = int16Array(body);
        end(body);
        return new Bind(portal, statement, formats, values, resultFormats);
    }

    /** FunctionCall: Int32 OID, Int16 n, Int16 format × n, Int16 m, (Int32 len, bytes) × m, Int16 result format. */
    private static FunctionCall functionCall(ByteBuf body) throws Malformed {
        int oid = int32(body);
        short[] formats = int16Array(body);
        int m = uint16(body);
        byte[][] args = new byte[m][];
        for (int i = 0; i < m; i++) {
            int len = int32(body);
            args[i] = len == -1 ? null : bytes(body, len);
        }
        short resultFormat = (short) uint16(body);
        end(body);
        return new FunctionCall(oid, formats, args, resultFormat);
    }

    private static short[] int16Array(ByteBuf body) throws Malformed {
        int n = uint16(body);
        need(body, 2L * n);
        short[] a = new short[n];
        for (int i = 0; i < n; i++) a[i] = body.readShort();
        return a;
    }

    private static void need(ByteBuf body, long n) throws Malformed {
        if (n < 0 || n > body.readableBytes()) throw new Malformed("insufficient data left in message");
    }

    private static int byte1(ByteBuf body) throws Malformed {
        need(body, 1);
        return body.readUnsignedByte();
    }

    /** pq_getmsgint(msg, 2): unsigned. */
    private static int uint16(ByteBuf body) throws Malformed {
        need(body, 2);
        return body.readUnsignedShort();
    }

    private static int int32(ByteBuf body) throws Malformed {
        need(body, 4);
        return body.readInt();
    }

    private static byte[] bytes(ByteBuf body, int len) throws Malformed {
        need(body, len);
        byte[] b = new byte[len];
        body.readBytes(b);
        return b;
    }

    /** pq_getmsgend(): nothing may be left. */
    private static void end(ByteBuf body) throws Malformed {
        if (body.isReadable()) throw new Malformed("invalid message format");
    }

    /** pq_getmsgstring(): a NUL-terminated string, verified and decoded in the client encoding. */
    static String string(ByteBuf body, Charset cs) throws Malformed {
        int start = body.readerIndex();
        int nul = body.indexOf(start, body.writerIndex(), (byte) 0);
        if (nul < 0) throw new Malformed("invalid string in message");
        int len = nul - start;
        String s;
        if (len == 0) {
            s = "";
        } else if (isAscii(body, start, len)) {
            s = body.toString(start, len, StandardCharsets.ISO_8859_1);
        } else {
            s = decodeStrict(body, start, len, cs);
        }
        body.readerIndex(nul + 1);
        return s;
    }

    private static boolean isAscii(ByteBuf body, int start, int len) {
        for (int i = start, end = start + len; i < end; i++) {
            if (body.getByte(i) < 0) return false;
        }
        return true;
    }

    private static String decodeStrict(ByteBuf body, int start, int len, Charset cs) throws Malformed {
        byte[] bytes = new byte[len];
        body.getBytes(start, bytes);
        CharsetDecoder dec = cs.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate((int) Math.ceil(len * (double) dec.maxCharsPerByte()) + 1);
        CoderResult r = dec.decode(in, out, true);
        if (!r.isError()) r = dec.flush(out);
        if (r.isError()) {
            int at = in.position();
            int n = Math.min(PgEncodings.mbLength(cs, bytes[at]), len - at);
            throw new Malformed(String.format(Locale.ROOT, "invalid byte sequence for encoding \"%s\": %s",
                    PgEncodings.pgName(cs), PgEncodings.hexBytes(bytes, at, n)));
        }
        out.flip();
        return out.toString();
    }
}
