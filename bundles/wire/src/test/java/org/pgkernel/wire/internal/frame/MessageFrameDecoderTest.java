package org.pgkernel.wire.internal.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pgkernel.wire.internal.frame.StartupDecoderTest.feed;
import static org.pgkernel.wire.internal.frame.StartupDecoderTest.inbound;
import static org.pgkernel.wire.internal.frame.StartupDecoderTest.splits;
import static org.pgkernel.wire.testing.FrontendEncoder.frontend;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pgkernel.wire.api.FrontendMessage.ProtocolViolation;

class MessageFrameDecoderTest {

    @Test
    void every_frontend_message_type_split_anywhere_yields_its_frame() {
        for (char type : "QPBEDCHSXFdcfp".toCharArray()) {
            byte[] body = {1, 2, 3, 0};
            byte[] in = frontend().message(type, body).message('S', new byte[0]).bytes();
            for (int split : splits(in)) {
                EmbeddedChannel ch = new EmbeddedChannel(new MessageFrameDecoder());
                feed(ch, in, split);
                List<Object> got = inbound(ch);
                assertEquals(2, got.size(), type + " split " + split);
                Frame f = (Frame) got.get(0);
                assertEquals((byte) type, f.type());
                assertArrayEquals(body, ByteBufUtil.getBytes(f.body()));
                f.release();
                Frame sync = (Frame) got.get(1);
                assertEquals((byte) 'S', sync.type());
                assertFalse(sync.body().isReadable());
                sync.release();
                assertFalse(ch.finish());
            }
        }
    }

    @Test
    void an_invalid_type_is_a_fatal_violation_and_stops_reading() {
        EmbeddedChannel ch = new EmbeddedChannel(new MessageFrameDecoder());
        ch.writeInbound(Unpooled.wrappedBuffer(frontend().message('Z', new byte[0]).sync().bytes()));
        assertEquals(new ProtocolViolation(true, "invalid frontend message type 90"), ch.readInbound());
        assertNull(ch.readInbound());
        assertFalse(ch.config().isAutoRead());
        ch.writeInbound(Unpooled.wrappedBuffer(frontend().sync().bytes()));
        assertNull(ch.readInbound());
        assertFalse(ch.finish());
    }

    @Test
    void the_type_is_judged_before_the_length_arrives() {
        EmbeddedChannel ch = new EmbeddedChannel(new MessageFrameDecoder());
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0}));
        assertEquals(new ProtocolViolation(true, "invalid frontend message type 0"), ch.readInbound());
        assertFalse(ch.finish());
    }

    @Test
    void a_small_message_over_10000_bytes_is_fatal_without_waiting_for_its_body() {
        EmbeddedChannel ch = new EmbeddedChannel(new MessageFrameDecoder());
        ch.writeInbound(Unpooled.wrappedBuffer(frontend().raw((byte) 'S').int32(10001).bytes()));
        assertEquals(new ProtocolViolation(true, "invalid message length"), ch.readInbound());
        assertFalse(ch.finish());
    }

    @Test
    void a_small_message_of_exactly_10000_bytes_is_read() {
        EmbeddedChannel ch = new EmbeddedChannel(new MessageFrameDecoder());
        ch.writeInbound(Unpooled.wrappedBuffer(frontend().message('D', new byte[9996]).bytes()));
        Frame f = ch.readInbound();
        assertEquals(9996, f.body().readableBytes());
        f.release();
        assertFalse(ch.finish());
    }

    @Test
    void a_large_message_may_exceed_10000_bytes() {
        EmbeddedChannel ch = new EmbeddedChannel(new MessageFrameDecoder());
        ch.writeInbound(Unpooled.wrappedBuffer(frontend().message('Q', new byte[20000]).bytes()));
        Frame f = ch.readInbound();
        assertEquals(20000, f.body().readableBytes());
        f.release();
        assertFalse(ch.finish());
    }

    @Test
    void a_length_over_one_gigabyte_is_fatal_without_allocating_it() {
        EmbeddedChannel ch = new EmbeddedChannel(new MessageFrameDecoder());
        ch.writeInbound(Unpooled.wrappedBuffer(frontend().raw((byte) 'Q').int32(0x3fffffff).bytes()));
        assertEquals(new ProtocolViolation(true, "invalid message length"), ch.readInbound());
        assertFalse(ch.finish());
    }

    @Test
    void a_length_below_4_is_fatal() {
        EmbeddedChannel ch = new EmbeddedChannel(new MessageFrameDecoder());
        ch.writeInbound(Unpooled.wrappedBuffer(frontend().raw((byte) 'Q').int32(3).bytes()));
        assertEquals(new ProtocolViolation(true, "invalid message length"), ch.readInbound());
        assertFalse(ch.finish());
    }

    @Test
    void a_message_cut_by_eof_yields_nothing() {
        byte[] in = frontend().query("select 1").bytes();
        for (int cut = 1; cut < in.length; cut++) {
            EmbeddedChannel ch = new EmbeddedChannel(new MessageFrameDecoder());
            ch.writeInbound(Unpooled.wrappedBuffer(in, 0, cut));
            assertFalse(ch.finish());
            assertTrue(inbound(ch).isEmpty());
        }
    }
}
