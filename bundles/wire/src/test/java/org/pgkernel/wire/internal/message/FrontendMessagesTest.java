package org.pgkernel.wire.internal.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.pgkernel.wire.testing.FrontendEncoder.Body.body;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
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

class FrontendMessagesTest {

    private static FrontendMessage decode(char type, byte[] body) {
        return decode(type, body, StandardCharsets.UTF_8);
    }

    private static FrontendMessage decode(char type, byte[] body, Charset cs) {
        ByteBuf b = Unpooled.wrappedBuffer(body);
        try {
            return FrontendMessages.decode((byte) type, b, cs);
        } finally {
            b.release();
        }
    }

    @Test
    void query_decodes_its_sql_in_the_client_encoding() {
        assertEquals(new Query("select 'é'"), decode('Q', body().str("select 'é'").build()));
        byte[] latin1 = {'s', (byte) 0xE9, 0};
        assertEquals(new Query("sé"), decode('Q', latin1, StandardCharsets.ISO_8859_1));
    }

    @Test
    void parse_decodes_name_query_and_parameter_types() {
        Parse p = (Parse) decode('P', body().str("s1").str("select $1, $2").i16(2).i32(23).i32(25).build());
        assertEquals("s1", p.statementName());
        assertEquals("select $1, $2", p.query());
        assertArrayEquals(new int[] {23, 25}, p.parameterTypes());
    }

    @Test
    void bind_decodes_formats_values_and_nulls() {
        Bind b = (Bind) decode('B', body().str("p").str("s").i16(1).i16(1).i16(2).i32(2).bytes(new byte[] {7, 8})
                .i32(-1).i16(1).i16(0).build());
        assertEquals("p", b.portalName());
        assertEquals("s", b.statementName());
        assertArrayEquals(new short[] {1}, b.parameterFormats());
        assertArrayEquals(new byte[] {7, 8}, b.parameterValues()[0]);
        assertNull(b.parameterValues()[1]);
        assertArrayEquals(new short[] {0}, b.resultFormats());
    }

    @Test
    void describe_execute_and_close_decode() {
        assertEquals(new Describe('S', "s1"), decode('D', body().i8('S').str("s1").build()));
        assertEquals(new Execute("", 0), decode('E', body().str("").i32(0).build()));
        assertEquals(new Close('P', "p1"), decode('C', body().i8('P').str("p1").build()));
    }

    @Test
    void the_bodiless_messages_decode() {
        assertInstanceOf(Sync.class, decode('S', new byte[0]));
        assertInstanceOf(Flush.class, decode('H', new byte[0]));
        assertInstanceOf(Terminate.class, decode('X', new byte[0]));
        assertInstanceOf(CopyDone.class, decode('c', new byte[0]));
    }

    @Test
    void copy_messages_and_password_keep_their_bytes() {
        assertArrayEquals(new byte[] {1, 0, 2}, ((CopyData) decode('d', new byte[] {1, 0, 2})).data());
        assertEquals(new CopyFail("boom"), decode('f', body().str("boom").build()));
        assertArrayEquals(body().str("secret").build(),
                ((PasswordMessage) decode('p', body().str("secret").build())).body());
    }

    @Test
    void function_call_decodes() {
        FunctionCall f = (FunctionCall) decode('F', body().i32(1598).i16(1).i16(0).i16(1).i32(1)
                .bytes(new byte[] {'x'}).i16(1).build());
        assertEquals(1598, f.functionOid());
        assertArrayEquals(new short[] {0}, f.argumentFormats());
        assertArrayEquals(new byte[] {'x'}, f.arguments()[0]);
        assertEquals(1, f.resultFormat());
    }

    @Test
    void a_string_without_terminator_is_an_invalid_string() {
        assertEquals(new ProtocolViolation(false, "invalid string in message"),
                decode('Q', new byte[] {'a', 'b'}));
    }

    @Test
    void a_field_past_the_end_is_insufficient_data() {
        assertEquals(new ProtocolViolation(false, "insufficient data left in message"),
                decode('E', body().str("").i16(0).build()));
        assertEquals(new ProtocolViolation(false, "insufficient data left in message"),
                decode('P', body().str("").str("q").i16(3).i32(23).build()));
        assertEquals(new ProtocolViolation(false, "insufficient data left in message"),
                decode('B', body().str("").str("").i16(0).i16(1).i32(-2).i16(0).build()));
    }

    @Test
    void bytes_left_over_are_an_invalid_format() {
        assertEquals(new ProtocolViolation(false, "invalid message format"), decode('S', new byte[] {0}));
        assertEquals(new ProtocolViolation(false, "invalid message format"),
                decode('Q', body().str("select 1").i8(0).build()));
    }

    @Test
    void an_invalid_byte_sequence_is_named_as_postgres_names_it() {
        assertEquals(new ProtocolViolation(false, "invalid byte sequence for encoding \"UTF8\": 0xc3 0x28"),
                decode('Q', new byte[] {(byte) 0xC3, '(', 0}));
        assertEquals(new ProtocolViolation(false, "invalid byte sequence for encoding \"UTF8\": 0xff"),
                decode('Q', new byte[] {'a', (byte) 0xFF, 0}));
    }
}
