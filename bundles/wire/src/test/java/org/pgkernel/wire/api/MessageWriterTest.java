package org.pgkernel.wire.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.SqlState;
import org.pgkernel.wire.internal.message.PooledSink;

class MessageWriterTest {
    private final PooledSink sink = new PooledSink(UnpooledByteBufAllocator.DEFAULT);
    private Charset charset = StandardCharsets.UTF_8;
    private final MessageWriter w = new MessageWriter(sink, () -> charset);

    private byte[] written() {
        ByteBuf b = sink.take();
        if (b == null) return new byte[0];
        try {
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    /** Bytes from a string whose chars are all below 256 (so "\0" is a NUL byte). */
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A message: type, Int32 length computed here, body given as Latin-1 chars. */
    private static byte[] m(char type, String body) {
        byte[] bb = b(body);
        byte[] out = new byte[bb.length + 5];
        out[0] = (byte) type;
        java.nio.ByteBuffer.wrap(out, 1, 4).putInt(bb.length + 4);
        System.arraycopy(bb, 0, out, 5, bb.length);
        return out;
    }

    private static byte[] cat(byte[]... parts) {
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) o.writeBytes(p);
        return o.toByteArray();
    }

    @Test
    void ready_for_query_is_six_bytes() {
        w.readyForQuery('I');
        assertArrayEquals(b("Z\0\0\0\5I"), written());
        assertThrows(IllegalArgumentException.class, () -> w.readyForQuery('X'));
    }

    @Test
    void parameter_status_is_as_postgres_sends_it() {
        w.parameterStatus("client_encoding", "UTF8");
        assertArrayEquals(b("S\0\0\0\u0019client_encoding\0UTF8\0"), written());
    }

    @Test
    void backend_key_data_carries_pid_and_key() {
        w.backendKeyData(0x1fe4, 0x6660c3bb);
        assertArrayEquals(b("K\0\0\0\u000c\0\0\u001f\u00e4\u0066\u0060\u00c3\u00bb"), written());
    }

    @Test
    void negotiate_protocol_version_is_as_postgres_sends_it() {
        w.negotiateProtocolVersion(0, List.of("_pq_.foo"));
        assertArrayEquals(b("v\0\0\0\u0015\0\3\0\0\0\0\0\1_pq_.foo\0"), written());
        w.negotiateProtocolVersion(0, List.of());
        assertArrayEquals(b("v\0\0\0\u000c\0\3\0\0\0\0\0\0"), written());
    }

    @Test
    void authentication_requests_have_their_codes() {
        w.authenticationOk();
        w.authenticationCleartextPassword();
        w.authenticationMD5Password(new byte[] {1, 2, 3, 4});
        assertArrayEquals(b("R\0\0\0\u0008\0\0\0\0R\0\0\0\u0008\0\0\0\3R\0\0\0\u000c\0\0\0\5\1\2\3\4"), written());
        w.authenticationSASL(List.of("SCRAM-SHA-256", "SCRAM-SHA-256-PLUS"));
        assertArrayEquals(m('R', "\0\0\0\nSCRAM-SHA-256\0SCRAM-SHA-256-PLUS\0\0"), written());
        w.authenticationSASLContinue(b("r=abc"));
        w.authenticationSASLFinal(b("v=x"));
        assertArrayEquals(b("R\0\0\0\r\0\0\0\u000br=abcR\0\0\0\u000b\0\0\0\u000cv=x"), written());
    }

    @Test
    void error_response_sends_present_fields_in_order_and_never_F_L_R() {
        w.errorResponse(new ErrorFields("ERROR", "ERROR", "42P01", "relation \"t\" does not exist", null,
                "Check the name.", 15, null));
        assertArrayEquals(m('E', "SERROR\0VERROR\0C42P01\0Mrelation \"t\" does not exist\0HCheck the name.\0P15\0\0"),
                written());
    }

    @Test
    void error_response_for_a_kernel_exception() {
        w.errorResponse(ErrorFields.of(PgException.fatal(SqlState.PROTOCOL_VIOLATION, "invalid frontend message type %d", 90)));
        assertArrayEquals(m('E', "SFATAL\0VFATAL\0C08P01\0Minvalid frontend message type 90\0\0"), written());
    }

    @Test
    void notice_response_has_all_eight_fields_when_given() {
        w.noticeResponse(new ErrorFields("NOTICE", "NOTICE", "00000", "m", "d", "h", 3, "w"));
        assertArrayEquals(m('N', "SNOTICE\0VNOTICE\0C00000\0Mm\0Dd\0Hh\0P3\0Ww\0\0"), written());
    }

    @Test
    void row_description_lays_out_every_field() {
        w.rowDescription(new FieldDescription[] {
            new FieldDescription("a", 16384, (short) 1, 23, (short) 4, -1, (short) 0),
            new FieldDescription("b", 0, (short) 0, 25, (short) -1, -1, (short) 1)});
        assertArrayEquals(m('T', "\0\2"
                + "a\0\0\0\u0040\0\0\1\0\0\0\u0017\0\4\u00ff\u00ff\u00ff\u00ff\0\0"
                + "b\0\0\0\0\0\0\0\0\0\0\u0019\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\0\1"), written());
    }

    @Test
    void data_row_writes_values_texts_and_nulls() {
        w.beginDataRow(3);
        w.dataRowValue(new byte[] {0, 0, 0, 7});
        w.dataRowText("é");
        w.dataRowNull();
        w.endDataRow();
        assertArrayEquals(m('D', "\0\3\0\0\0\4\0\0\0\7\0\0\0\2\u00c3\u00a9\u00ff\u00ff\u00ff\u00ff"), written());
    }

    @Test
    void data_row_text_is_encoded_in_the_client_encoding() {
        charset = StandardCharsets.ISO_8859_1;
        w.beginDataRow(1);
        w.dataRowText("é");
        w.endDataRow();
        assertArrayEquals(b("D\0\0\0\u000b\0\1\0\0\0\1\u00e9"), written());
    }

    @Test
    void an_untranslatable_character_drops_the_row_and_throws_22P05() {
        charset = StandardCharsets.ISO_8859_1;
        w.commandComplete("SELECT 0");
        w.beginDataRow(2);
        w.dataRowText("a");
        PgException e = assertThrows(PgException.class, () -> w.dataRowText("€"));
        assertEquals(SqlState.UNTRANSLATABLE_CHARACTER, e.sqlState());
        assertEquals("character with byte sequence 0xe2 0x82 0xac in encoding \"UTF8\" has no equivalent in encoding \"LATIN1\"",
                e.getMessage());
        assertArrayEquals(b("C\0\0\0\rSELECT 0\0"), written());
    }

    @Test
    void a_data_row_with_the_wrong_number_of_values_is_refused() {
        w.beginDataRow(2);
        w.dataRowNull();
        assertThrows(IllegalStateException.class, w::endDataRow);
        assertEquals(0, w.bufferedBytes());
    }

    @Test
    void simple_messages_are_type_and_length() {
        w.emptyQueryResponse();
        w.parseComplete();
        w.bindComplete();
        w.closeComplete();
        w.noData();
        w.portalSuspended();
        w.copyDone();
        assertArrayEquals(b("I\0\0\0\u00041\0\0\0\u00042\0\0\0\u00043\0\0\0\u0004n\0\0\0\u0004s\0\0\0\u0004c\0\0\0\u0004"),
                written());
    }

    @Test
    void command_complete_parameter_description_and_notification() {
        w.commandComplete("INSERT 0 1");
        w.parameterDescription(new int[] {23, 25});
        w.notificationResponse(77, "ch", "hi");
        assertArrayEquals(cat(m('C', "INSERT 0 1\0"), m('t', "\0\2\0\0\0\u0017\0\0\0\u0019"),
                m('A', "\0\0\0\u004dch\0hi\0")), written());
    }

    @Test
    void copy_responses_and_data() {
        w.copyInResponse(0, new short[] {0, 0});
        w.copyOutResponse(1, new short[] {1});
        w.copyData(b("1\tx\n"));
        assertArrayEquals(b("G\0\0\0\u000b\0\0\2\0\0\0\0H\0\0\0\u0009\1\0\1\0\1d\0\0\0\u00081\tx\n"), written());
    }

    @Test
    void buffered_bytes_counts_until_taken() {
        w.readyForQuery('T');
        w.noData();
        assertEquals(11, w.bufferedBytes());
        written();
        assertEquals(0, w.bufferedBytes());
    }

    @Test
    void a_nul_inside_a_string_cuts_it_there() {
        w.commandComplete("OK\0junk");
        assertArrayEquals(b("C\0\0\0\u0007OK\0"), written());
    }
}
