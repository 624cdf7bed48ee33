package org.pgkernel.wire.api;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.SqlState;
import org.pgkernel.wire.internal.message.PgEncodings;

/**
 * Builds backend messages (protocol chapter 55.7, "Message Formats") into the connection's
 * outgoing buffer. Nothing reaches the network until {@link FrontendConnection#flush()}; the
 * backend flushes when it waits for the client (before ReadyForQuery, on Flush, when
 * {@link #bufferedBytes()} passes a few kilobytes while streaming rows), as pqcomm.c's
 * 8&nbsp;kB send buffer does.
 *
 * <p>Every message is {@code Byte1 type, Int32 length (including itself), body}; integers
 * are big-endian; strings are in the client encoding and NUL-terminated:
 * <pre>
 *  +------+-----------------+--------------------------------+
 *  | type | length (int32)  | body: length - 4 bytes         |
 *  +------+-----------------+--------------------------------+
 * </pre>
 * A message is written whole or not at all: when a string cannot be represented in the
 * client encoding the half-written message is dropped and a PgException 22P05 is thrown
 * (cf. mbutils.c report_untranslatable_char()); a DataRow begun with {@link #beginDataRow}
 * is dropped entirely in that case. A NUL-terminated string that contains U+0000 is cut
 * there, as PostgreSQL's C strings are.
 *
 * <p>Used by the backend thread only; not thread-safe.
 */
public final class MessageWriter {

    /**
     * Where the bytes go; implemented by the wire bundle over a pooled buffer owned by the
     * connection. Backends never implement or call it (tests may, to capture bytes).
     */
    public interface Sink {
        void writeByte(int value);

        void writeShort(int value);

        void writeInt(int value);

        void writeBytes(byte[] src, int offset, int length);

        /** Writes {@code s} as UTF-8 without terminator; returns the number of bytes written. */
        int writeUtf8(CharSequence s);

        /** Overwrites four bytes at {@code index} (a message's length word). */
        void setInt(int index, int value);

        /** Bytes held since the sink was last drained; the index of the next byte. */
        int size();

        /** Drops everything from {@code index} on. */
        void truncate(int index);
    }

    private final Sink sink;
    private final Supplier<Charset> clientEncoding;

    /** Start of the DataRow being written, -1 when none. */
    private int rowStart = -1;
    private int rowColumns;
    private int rowWritten;

    private Charset encoderCharset;
    private CharsetEncoder encoder;

    /**
     * @param sink           where bytes go; must not be null
     * @param clientEncoding the connection's current client encoding, read for every string
     */
    public MessageWriter(Sink sink, Supplier<Charset> clientEncoding) {
        this.sink = Objects.requireNonNull(sink);
        this.clientEncoding = Objects.requireNonNull(clientEncoding);
    }

    // ---- authentication (Authentication* 'R') -------------------------------------------

    /** AuthenticationOk: R, 8, 0. */
    public void authenticationOk() { authRequest(0); }

    /** AuthenticationCleartextPassword: R, 8, 3. */
    public void authenticationCleartextPassword() { authRequest(3); }

    /** AuthenticationMD5Password: R, 12, 5, salt[4]. */
    public void authenticationMD5Password(byte[] salt4) {
        if (salt4.length != 4) throw new IllegalArgumentException("an MD5 salt has 4 bytes");
        int start = begin('R');
        sink.writeInt(5);
        sink.writeBytes(salt4, 0, 4);
        end(start);
    }

    /** AuthenticationSASL: R, len, 10, each mechanism NUL-terminated, a final NUL. */
    public void authenticationSASL(List<String> mechanisms) {
        int start = begin('R');
        try {
            sink.writeInt(10);
            for (String m : mechanisms) writeCString(m);
            sink.writeByte(0);
        } catch (RuntimeException e) {
            sink.truncate(start);
            throw e;
        }
        end(start);
    }

    /** AuthenticationSASLContinue: R, len, 11, data. */
    public void authenticationSASLContinue(byte[] data) { authData(11, data); }

    /** AuthenticationSASLFinal: R, len, 12, data. */
    public void authenticationSASLFinal(byte[] data) { authData(12, data); }

    // ---- session start ----------------------------------------------------------------------

    /** ParameterStatus 'S': name, value. A null value is sent as an empty string. */
    public void parameterStatus(String name, String value) {
        int start = begin('S');
        try {
            writeCString(name);
            writeCString(value == null ? "" : value);
        } catch (RuntimeException e) {
            sink.truncate(start);
            throw e;
        }
        end(start);
    }

    /** BackendKeyData 'K': K, 12, pid, secret key. */
    public void backendKeyData(int pid, int secretKey) {
        sink.writeByte('K');
        sink.writeInt(12);
        sink.writeInt(pid);
        sink.writeInt(secretKey);
    }

    /** ReadyForQuery 'Z': Z, 5, status ('I' idle, 'T' in a transaction block, 'E' in a failed one). */
    public void readyForQuery(char status) {
        if (status != 'I' && status != 'T' && status != 'E') {
            throw new IllegalArgumentException("transaction status must be I, T or E: " + status);
        }
        sink.writeByte('Z');
        sink.writeInt(5);
        sink.writeByte(status);
    }

    /**
     * NegotiateProtocolVersion 'v': the newest protocol version the server supports for the
     * requested major version (written as PostgreSQL writes it, {@code 3 << 16 | newestMinor}),
     * the number of unrecognized {@code _pq_.} options, and their names.
     */
    public void negotiateProtocolVersion(int newestMinor, List<String> unrecognizedOptions) {
        int start = begin('v');
        try {
            sink.writeInt((3 << 16) | (newestMinor & 0xFFFF));
            sink.writeInt(unrecognizedOptions.size());
            for (String o : unrecognizedOptions) writeCString(o);
        } catch (RuntimeException e) {
            sink.truncate(start);
            throw e;
        }
        end(start);
    }

    // ---- query results ------------------------------------------------------------------------

    /**
     * RowDescription 'T': Int16 field count, then per field: name, Int32 table OID, Int16
     * column number, Int32 type OID, Int16 type size, Int32 type modifier, Int16 format.
     */
    public void rowDescription(FieldDescription[] fields) {
        int start = begin('T');
        try {
            sink.writeShort(fields.length);
            for (FieldDescription f : fields) {
                writeCString(f.name());
                sink.writeInt(f.tableOid());
                sink.writeShort(f.columnNumber());
                sink.writeInt(f.typeOid());
                sink.writeShort(f.typeSize());
                sink.writeInt(f.typeModifier());
                sink.writeShort(f.format());
            }
        } catch (RuntimeException e) {
            sink.truncate(start);
            throw e;
        }
        end(start);
    }

    /**
     * Begins a DataRow 'D' of {@code columns} values; each value is then added with
     * {@link #dataRowValue}, {@link #dataRowText} or {@link #dataRowNull}, and
     * {@link #endDataRow()} completes it.
     */
    public void beginDataRow(int columns) {
        if (rowStart >= 0) throw new IllegalStateException("DataRow already begun");
        if (columns < 0 || columns > 0xFFFF) throw new IllegalArgumentException("column count " + columns);
        rowStart = begin('D');
        rowColumns = columns;
        rowWritten = 0;
        sink.writeShort(columns);
    }

    /** A value already in its wire form (text in the client encoding, or binary): Int32 length, bytes. */
    public void dataRowValue(byte[] value) {
        if (value == null) {
            dataRowNull();
            return;
        }
        column();
        sink.writeInt(value.length);
        sink.writeBytes(value, 0, value.length);
    }

    /** A text value, encoded in the client encoding: Int32 length, bytes (no terminator). */
    public void dataRowText(String value) {
        if (value == null) {
            dataRowNull();
            return;
        }
        column();
        int lengthAt = sink.size();
        sink.writeInt(0);
        try {
            int n = writeString(value);
            sink.setInt(lengthAt, n);
        } catch (RuntimeException e) {
            abandonRow();
            throw e;
        }
    }

    /** A NULL: Int32 -1 and no bytes. */
    public void dataRowNull() {
        column();
        sink.writeInt(-1);
    }

    /** Completes the DataRow; throws IllegalStateException when fewer values than announced were added. */
    public void endDataRow() {
        if (rowStart < 0) throw new IllegalStateException("no DataRow begun");
        if (rowWritten != rowColumns) {
            abandonRow();
            throw new IllegalStateException("DataRow announced " + rowColumns + " columns but got " + rowWritten);
        }
        end(rowStart);
        rowStart = -1;
    }

    /** CommandComplete 'C': the command tag, e.g. "SELECT 3", "INSERT 0 1". */
    public void commandComplete(String tag) {
        int start = begin('C');
        try {
            writeCString(tag);
        } catch (RuntimeException e) {
            sink.truncate(start);
            throw e;
        }
        end(start);
    }

    /** EmptyQueryResponse 'I'. */
    public void emptyQueryResponse() { empty('I'); }

    /** ParseComplete '1'. */
    public void parseComplete() { empty('1'); }

    /** BindComplete '2'. */
    public void bindComplete() { empty('2'); }

    /** CloseComplete '3'. */
    public void closeComplete() { empty('3'); }

    /** NoData 'n'. */
    public void noData() { empty('n'); }

    /** PortalSuspended 's'. */
    public void portalSuspended() { empty('s'); }

    /** ParameterDescription 't': Int16 count, Int32 type OID each. */
    public void parameterDescription(int[] typeOids) {
        int start = begin('t');
        sink.writeShort(typeOids.length);
        for (int oid : typeOids) sink.writeInt(oid);
        end(start);
    }

    // ---- errors and asynchronous messages -----------------------------------------------------

    /** ErrorResponse 'E' with the fields S, V, C, M, D, H, P, W that are present, then a terminating NUL. */
    public void errorResponse(ErrorFields f) { report('E', f); }

    /** NoticeResponse 'N', laid out as ErrorResponse. */
    public void noticeResponse(ErrorFields f) { report('N', f); }

    /** NotificationResponse 'A': Int32 sender pid, channel, payload. */
    public void notificationResponse(int pid, String channel, String payload) {
        int start = begin('A');
        try {
            sink.writeInt(pid);
            writeCString(channel);
            writeCString(payload == null ? "" : payload);
        } catch (RuntimeException e) {
            sink.truncate(start);
            throw e;
        }
        end(start);
    }

    // ---- COPY -------------------------------------------------------------------------------------

    /** CopyInResponse 'G': Int8 overall format (0 text, 1 binary), Int16 column count, Int16 format each. */
    public void copyInResponse(int format, short[] columnFormats) { copyResponse('G', format, columnFormats); }

    /** CopyOutResponse 'H', laid out as CopyInResponse. */
    public void copyOutResponse(int format, short[] columnFormats) { copyResponse('H', format, columnFormats); }

    /** CopyData 'd': the bytes as they are. */
    public void copyData(byte[] data) {
        sink.writeByte('d');
        sink.writeInt(4 + data.length);
        sink.writeBytes(data, 0, data.length);
    }

    /** CopyDone 'c'. */
    public void copyDone() { empty('c'); }

    /** How many bytes are buffered and not yet handed to the network by a flush. */
    public int bufferedBytes() { return sink.size(); }

    // ---- helpers --------------------------------------------------------------------------------------

    private void authRequest(int code) {
        sink.writeByte('R');
        sink.writeInt(8);
        sink.writeInt(code);
    }

    private void authData(int code, byte[] data) {
        sink.writeByte('R');
        sink.writeInt(8 + data.length);
        sink.writeInt(code);
        sink.writeBytes(data, 0, data.length);
    }

    private void empty(char type) {
        sink.writeByte(type);
        sink.writeInt(4);
    }

    private void copyResponse(char type, int format, short[] columnFormats) {
        int start = begin(type);
        sink.writeByte(format);
        sink.writeShort(columnFormats.length);
        for (short s : columnFormats) sink.writeShort(s);
        end(start);
    }

    private void report(char type, ErrorFields f) {
        int start = begin(type);
        try {
            field('S', f.severity());
            field('V', f.severityV());
            field('C', f.sqlState());
            field('M', f.message());
            field('D', f.detail());
            field('H', f.hint());
            if (f.position() > 0) field('P', Integer.toString(f.position()));
            field('W', f.where());
            sink.writeByte(0);
        } catch (RuntimeException e) {
            sink.truncate(start);
            throw e;
        }
        end(start);
    }

    private void field(char code, String value) {
        if (value == null) return;
        sink.writeByte(code);
        writeCString(value);
    }

    private void column() {
        if (rowStart < 0) throw new IllegalStateException("no DataRow begun");
        if (rowWritten == rowColumns) {
            abandonRow();
            throw new IllegalStateException("DataRow announced " + rowColumns + " columns");
        }
        rowWritten++;
    }

    private void abandonRow() {
        if (rowStart >= 0) sink.truncate(rowStart);
        rowStart = -1;
    }

    /** Writes the type byte and a length placeholder; returns the index of the type byte. */
    private int begin(char type) {
        if (rowStart >= 0 && type != 'D') throw new IllegalStateException("DataRow not ended");
        int start = sink.size();
        sink.writeByte(type);
        sink.writeInt(0);
        return start;
    }

    /** Fills in the length of the message that starts at {@code start}. */
    private void end(int start) {
        sink.setInt(start + 1, sink.size() - start - 1);
    }

    private void writeCString(String s) {
        int nul = s.indexOf('\0');
        writeString(nul < 0 ? s : s.substring(0, nul));
        sink.writeByte(0);
    }

    /** Writes {@code s} in the client encoding, without terminator; returns the byte count. */
    private int writeString(String s) {
        Charset cs = clientEncoding.get();
        if (StandardCharsets.UTF_8.equals(cs)) return sink.writeUtf8(s);
        byte[] b = encode(s, cs);
        sink.writeBytes(b, 0, b.length);
        return b.length;
    }

    private byte[] encode(String s, Charset cs) {
        if (!cs.equals(encoderCharset)) {
            encoder = cs.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            encoderCharset = cs;
        }
        CharBuffer in = CharBuffer.wrap(s);
        try {
            ByteBuffer out = encoder.reset().encode(in);
            byte[] b = new byte[out.remaining()];
            out.get(b);
            return b;
        } catch (CharacterCodingException e) {
            // find the offending character to name it as PostgreSQL does
            CharBuffer probe = CharBuffer.wrap(s);
            ByteBuffer sinkHole = ByteBuffer.allocate((int) Math.ceil(s.length() * (double) encoder.maxBytesPerChar()) + 16);
            CoderResult r = encoder.reset().encode(probe, sinkHole, true);
            int at = r.isError() ? probe.position() : 0;
            int len = r.isError() ? r.length() : 1;
            byte[] utf8 = s.substring(at, Math.min(s.length(), at + len)).getBytes(StandardCharsets.UTF_8);
            throw PgException.error(SqlState.UNTRANSLATABLE_CHARACTER,
                    "character with byte sequence %s in encoding \"UTF8\" has no equivalent in encoding \"%s\"",
                    PgEncodings.hexBytes(utf8, 0, utf8.length), PgEncodings.pgName(cs));
        }
    }
}
