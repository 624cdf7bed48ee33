package org.pgkernel.wire.internal.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pgkernel.wire.testing.FrontendEncoder.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.pgkernel.wire.api.StartupPacket;

class StartupDecoderTest {

    private static EmbeddedChannel channel() {
        return new EmbeddedChannel(new StartupDecoder(Duration.ofMinutes(1)));
    }

    /** The bytes written to the channel so far. */
    static byte[] outbound(EmbeddedChannel ch) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            out.writeBytes(ByteBufUtil.getBytes(b));
            b.release();
        }
        return out.toByteArray();
    }

    static List<Object> inbound(EmbeddedChannel ch) {
        List<Object> l = new ArrayList<>();
        for (Object o; (o = ch.readInbound()) != null; ) l.add(o);
        return l;
    }

    /** Feeds {@code input} as two writes split at {@code split}, then as single bytes when split is -1. */
    static void feed(EmbeddedChannel ch, byte[] input, int split) {
        if (split < 0) {
            for (byte b : input) ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        } else {
            ch.writeInbound(Unpooled.wrappedBuffer(input, 0, split));
            if (split < input.length) ch.writeInbound(Unpooled.wrappedBuffer(input, split, input.length - split));
        }
    }

    /** Every split point, and byte by byte (-1). */
    static int[] splits(byte[] input) {
        int[] s = new int[input.length + 2];
        for (int i = 0; i <= input.length; i++) s[i] = i;
        s[input.length + 1] = -1;
        return s;
    }

    static byte[] errorResponse(String severity, String code, String message, String detail) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (String f : new String[] {"S" + severity, "V" + severity, "C" + code, "M" + message,
            detail == null ? null : "D" + detail}) {
            if (f == null) continue;
            body.writeBytes(f.getBytes(StandardCharsets.UTF_8));
            body.write(0);
        }
        body.write(0);
        byte[] b = body.toByteArray();
        return frontend().raw((byte) 'E').int32(b.length + 4).raw(b).bytes();
    }

    @Test
    void answers_an_ssl_request_with_exactly_N_wherever_it_is_split() {
        byte[] in = frontend().sslRequest().bytes();
        for (int split : splits(in)) {
            EmbeddedChannel ch = channel();
            feed(ch, in, split);
            assertArrayEquals(new byte[] {'N'}, outbound(ch), "split " + split);
            assertTrue(inbound(ch).isEmpty());
            assertTrue(ch.isActive());
            assertFalse(ch.finish());
        }
    }

    @Test
    void answers_a_gssenc_request_with_N() {
        byte[] in = frontend().gssEncRequest().bytes();
        for (int split : splits(in)) {
            EmbeddedChannel ch = channel();
            feed(ch, in, split);
            assertArrayEquals(new byte[] {'N'}, outbound(ch));
            assertFalse(ch.finish());
        }
    }

    @Test
    void a_startup_message_split_anywhere_yields_exactly_one_startup_packet() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("user", "alice");
        params.put("database", "shop");
        params.put("application_name", "psql");
        params.put("_pq_.foo", "1");
        byte[] in = frontend().startup(196608, params).bytes();
        for (int split : splits(in)) {
            EmbeddedChannel ch = channel();
            feed(ch, in, split);
            List<Object> got = inbound(ch);
            assertEquals(1, got.size(), "split " + split);
            StartupPacket p = (StartupPacket) got.get(0);
            assertEquals(3, p.major());
            assertEquals(0, p.minor());
            assertEquals(List.copyOf(params.entrySet()), List.copyOf(p.parameters().entrySet()));
            assertEquals(0, outbound(ch).length);
            assertFalse(ch.finish());
        }
    }

    @Test
    void a_startup_message_after_an_ssl_request_in_a_later_read_is_accepted() {
        EmbeddedChannel ch = channel();
        feed(ch, frontend().sslRequest().bytes(), -1);
        assertArrayEquals(new byte[] {'N'}, outbound(ch));
        feed(ch, frontend().startup(196608, Map.of("user", "bob")).bytes(), 3);
        StartupPacket p = (StartupPacket) ch.readInbound();
        assertEquals(Map.of("user", "bob"), p.parameters());
        assertFalse(ch.finish());
    }

    @Test
    void data_that_arrives_with_an_ssl_request_is_fatal() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(
                frontend().sslRequest().startup(196608, Map.of("user", "bob")).bytes()));
        byte[] expected = FrontendEncoderBytes.concat(new byte[] {'N'}, errorResponse("FATAL", "08P01",
                "received unencrypted data after SSL request", StartupDecoder.MITM_DETAIL));
        assertArrayEquals(expected, outbound(ch));
        assertNull(ch.readInbound());
        assertFalse(ch.isOpen());
        assertFalse(ch.finish());
    }

    @Test
    void a_second_ssl_request_is_an_unsupported_protocol() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(frontend().sslRequest().bytes()));
        ch.writeInbound(Unpooled.wrappedBuffer(frontend().sslRequest().bytes()));
        assertArrayEquals(FrontendEncoderBytes.concat(new byte[] {'N'}, errorResponse("FATAL", "0A000",
                "unsupported frontend protocol 1234.5679: server supports 3.0 to 3.0", null)), outbound(ch));
        assertFalse(ch.isOpen());
        assertFalse(ch.finish());
    }

    @Test
    void a_length_below_8_closes_without_a_reply() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(frontend().int32(7).int32(196608).bytes()));
        assertEquals(0, outbound(ch).length);
        assertFalse(ch.isOpen());
        assertFalse(ch.finish());
    }

    @Test
    void a_length_over_10004_closes_without_waiting_for_the_body() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(frontend().int32(10005).bytes()));
        assertEquals(0, outbound(ch).length);
        assertFalse(ch.isOpen());
        assertFalse(ch.finish());
    }

    @Test
    void a_length_of_10004_is_still_read() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(frontend().int32(10004).int32(196608).bytes()));
        assertTrue(ch.isOpen());
        ch.close();
        assertFalse(ch.finish());
    }

    @Test
    void a_startup_message_without_its_terminator_is_fatal_as_postgres_words_it() {
        byte[] in = frontend().int32(4 + 4 + 5 + 9).int32(196608).raw(FrontendEncoderBytes.cstrings("user", "postgres"))
                .bytes();
        for (int split : splits(in)) {
            EmbeddedChannel ch = channel();
            feed(ch, in, split);
            assertArrayEquals(errorResponse("FATAL", "08P01",
                    "invalid startup packet layout: expected terminator as last byte", null), outbound(ch));
            assertNull(ch.readInbound());
            assertFalse(ch.isOpen());
            assertFalse(ch.finish());
        }
    }

    @Test
    void bytes_after_the_terminator_are_a_bad_layout() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(frontend().int32(4 + 4 + 5 + 9 + 2).int32(196608)
                .raw(FrontendEncoderBytes.cstrings("user", "postgres")).raw((byte) 0, (byte) 0).bytes()));
        assertArrayEquals(errorResponse("FATAL", "08P01",
                "invalid startup packet layout: expected terminator as last byte", null), outbound(ch));
        assertFalse(ch.finish());
    }

    @Test
    void a_version_2_client_gets_the_old_style_error() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(frontend().startup(0x20000, Map.of("user", "postgres")).bytes()));
        assertArrayEquals("EFATAL:  unsupported frontend protocol 2.0: server supports 3.0 to 3.0\n\0"
                .getBytes(StandardCharsets.UTF_8), outbound(ch));
        assertFalse(ch.isOpen());
        assertFalse(ch.finish());
    }

    @Test
    void a_version_4_client_gets_feature_not_supported() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(frontend().startup(0x40000, Map.of("user", "postgres")).bytes()));
        assertArrayEquals(errorResponse("FATAL", "0A000",
                "unsupported frontend protocol 4.0: server supports 3.0 to 3.0", null), outbound(ch));
        assertFalse(ch.finish());
    }

    @Test
    void a_newer_minor_version_is_passed_on_for_the_backend_to_negotiate() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(frontend().startup(0x30002, Map.of("user", "u")).bytes()));
        StartupPacket p = ch.readInbound();
        assertEquals(2, p.minor());
        assertFalse(ch.finish());
    }

    @Test
    void a_cancel_request_split_anywhere_yields_its_pid_and_key() {
        byte[] in = frontend().cancelRequest(4242, -7).bytes();
        for (int split : splits(in)) {
            EmbeddedChannel ch = channel();
            feed(ch, in, split);
            assertEquals(List.of(new CancelRequest(4242, -7)), inbound(ch));
            assertEquals(0, outbound(ch).length);
            ch.close();
            assertFalse(ch.finish());
        }
    }

    @Test
    void a_cancel_request_of_the_wrong_length_closes_silently() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(frontend().int32(12).int32(80877102).int32(1).bytes()));
        assertNull(ch.readInbound());
        assertEquals(0, outbound(ch).length);
        assertFalse(ch.isOpen());
        assertFalse(ch.finish());
    }

    @Test
    void a_client_that_sends_no_startup_packet_in_time_is_closed_silently() {
        EmbeddedChannel ch = new EmbeddedChannel(new StartupDecoder(Duration.ofSeconds(60)));
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0}));
        ch.advanceTimeBy(59, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertTrue(ch.isOpen());
        ch.advanceTimeBy(2, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertFalse(ch.isOpen());
        assertEquals(0, outbound(ch).length);
        assertFalse(ch.finish());
    }

    @Test
    void the_timer_stops_once_the_startup_packet_is_complete() {
        EmbeddedChannel ch = new EmbeddedChannel(new StartupDecoder(Duration.ofSeconds(60)));
        ch.writeInbound(Unpooled.wrappedBuffer(frontend().startup(196608, Map.of("user", "u")).bytes()));
        ch.advanceTimeBy(61, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertTrue(ch.isOpen());
        inbound(ch);
        ch.close();
        assertFalse(ch.finish());
    }

    @Test
    void a_truncated_packet_then_eof_yields_nothing() {
        byte[] in = frontend().startup(196608, Map.of("user", "u")).bytes();
        for (int cut = 1; cut < in.length; cut++) {
            EmbeddedChannel ch = channel();
            ch.writeInbound(Unpooled.wrappedBuffer(in, 0, cut));
            assertFalse(ch.finish(), "cut " + cut);
            assertNull(ch.readInbound());
        }
    }

    @Test
    void failed_handshakes_are_logged_with_openssl_reasons_where_one_maps() {
        assertEquals("certificate verify failed", StartupDecoder.handshakeFailure(new io.netty.handler.codec.DecoderException(
                new javax.net.ssl.SSLHandshakeException("PKIX path building failed: unable to find valid certification path"))));
        assertEquals("no shared cipher",
                StartupDecoder.handshakeFailure(new javax.net.ssl.SSLHandshakeException("no cipher suites in common")));
        assertEquals("unsupported protocol", StartupDecoder.handshakeFailure(new javax.net.ssl.SSLHandshakeException(
                "Client requested protocol TLSv1.1 is not enabled or supported in server context")));
        assertEquals("EOF detected", StartupDecoder.handshakeFailure(new java.nio.channels.ClosedChannelException()));
        assertEquals("something else", StartupDecoder.handshakeFailure(new javax.net.ssl.SSLException("something else")));
    }
}
