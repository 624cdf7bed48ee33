package org.pgkernel.wire.internal.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pgkernel.wire.testing.FrontendEncoder.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pgkernel.kernel.api.Latch;
import org.pgkernel.wire.api.ConnectionHandler;
import org.pgkernel.wire.api.FrontendConnection;
import org.pgkernel.wire.api.FrontendMessage;
import org.pgkernel.wire.api.FrontendMessage.ProtocolViolation;
import org.pgkernel.wire.api.FrontendMessage.Query;
import org.pgkernel.wire.api.FrontendMessage.Sync;
import org.pgkernel.wire.api.FrontendMessage.Terminate;
import org.pgkernel.wire.api.StartupPacket;

class ChannelConnectionTest {
    private final List<FrontendConnection> connections = new ArrayList<>();
    private final List<StartupPacket> packets = new ArrayList<>();
    private final List<int[]> cancels = new ArrayList<>();
    private final ConnectionHandler handler = (c, p) -> {
        connections.add(c);
        packets.add(p);
    };

    private EmbeddedChannel channel() {
        return new EmbeddedChannel(new ClientInitializer(handler, (pid, key) -> cancels.add(new int[] {pid, key}),
                Duration.ofMinutes(1), false, null));
    }

    private static byte[] outbound(EmbeddedChannel ch) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            out.writeBytes(ByteBufUtil.getBytes(b));
            b.release();
        }
        return out.toByteArray();
    }

    private static List<FrontendMessage> drain(FrontendConnection c) {
        List<FrontendMessage> l = new ArrayList<>();
        for (FrontendMessage m; (m = c.poll()) != null; ) l.add(m);
        return l;
    }

    @Test
    void startup_and_pipelined_messages_split_anywhere_reach_the_backend_in_order() {
        byte[] in = frontend().sslRequest().bytes();
        byte[] rest = frontend().startup(196608, Map.of("user", "u")).query("select 1").sync().terminate().bytes();
        for (int split = 0; split <= rest.length; split++) {
            connections.clear();
            packets.clear();
            EmbeddedChannel ch = channel();
            ch.writeInbound(Unpooled.wrappedBuffer(in));
            assertArrayEquals(new byte[] {'N'}, outbound(ch));
            ch.writeInbound(Unpooled.wrappedBuffer(rest, 0, split));
            ch.writeInbound(Unpooled.wrappedBuffer(rest, split, rest.length - split));
            assertEquals(1, connections.size(), "split " + split);
            assertEquals(Map.of("user", "u"), packets.get(0).parameters());
            FrontendConnection c = connections.get(0);
            assertEquals(List.of(new Query("select 1"), new Sync(), new Terminate()), drain(c));
            assertTrue(c.isOpen());
            c.close();
            assertFalse(c.isOpen());
            assertFalse(ch.finish());
        }
    }

    @Test
    void a_cancel_request_reaches_the_postmaster_and_closes_the_connection() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(frontend().cancelRequest(12, 34).bytes()));
        assertEquals(1, cancels.size());
        assertArrayEquals(new int[] {12, 34}, cancels.get(0));
        assertTrue(connections.isEmpty());
        assertFalse(ch.isOpen());
        assertFalse(ch.finish());
    }

    @Test
    void every_message_sets_the_latch() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(frontend().startup(196608, Map.of("user", "u")).bytes()));
        FrontendConnection c = connections.get(0);
        Latch latch = new Latch();
        c.setWakeup(latch);
        latch.reset();
        ch.writeInbound(Unpooled.wrappedBuffer(frontend().sync().bytes()));
        assertTrue(latch.isSet());
        latch.reset();
        assertInstanceOf(Sync.class, c.poll());
        assertNull(c.poll());
        assertFalse(latch.isSet());
        ch.pipeline().fireChannelWritabilityChanged();
        assertTrue(latch.isSet());
        c.close();
        assertFalse(ch.finish());
    }

    @Test
    void setting_the_latch_late_still_reports_what_arrived_before() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(frontend().startup(196608, Map.of("user", "u")).sync().bytes()));
        FrontendConnection c = connections.get(0);
        Latch latch = new Latch();
        c.setWakeup(latch);
        assertTrue(latch.isSet());
        c.close();
        assertFalse(ch.finish());
    }

    @Test
    void a_full_inbox_stops_reading_and_draining_it_resumes() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(frontend().startup(196608, Map.of("user", "u")).bytes()));
        ChannelConnection c = (ChannelConnection) connections.get(0);
        for (int i = 0; i < ChannelConnection.HIGH_WATER_MESSAGES; i++) {
            ch.writeInbound(Unpooled.wrappedBuffer(frontend().sync().bytes()));
        }
        assertTrue(ch.config().isAutoRead());
        ch.writeInbound(Unpooled.wrappedBuffer(frontend().sync().bytes()));
        assertFalse(ch.config().isAutoRead());
        while (c.queued() > ChannelConnection.LOW_WATER_MESSAGES + 1) c.poll();
        assertFalse(ch.config().isAutoRead());
        c.poll();
        assertTrue(ch.config().isAutoRead());
        c.close();
        assertFalse(ch.finish());
    }

    @Test
    void a_full_inbox_by_bytes_stops_reading() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(frontend().startup(196608, Map.of("user", "u")).bytes()));
        ChannelConnection c = (ChannelConnection) connections.get(0);
        ch.writeInbound(Unpooled.wrappedBuffer(frontend().message('d', new byte[ChannelConnection.HIGH_WATER_BYTES + 1])
                .bytes()));
        assertFalse(ch.config().isAutoRead());
        assertNotNull(c.poll());
        assertTrue(ch.config().isAutoRead());
        c.close();
        assertFalse(ch.finish());
    }

    @Test
    void an_invalid_type_is_queued_as_a_fatal_violation_after_the_good_messages() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(frontend().startup(196608, Map.of("user", "u")).sync()
                .message('Z', new byte[0]).sync().bytes()));
        FrontendConnection c = connections.get(0);
        assertEquals(List.of(new Sync(), new ProtocolViolation(true, "invalid frontend message type 90")), drain(c));
        c.close();
        assertFalse(ch.finish());
    }

    @Test
    void a_peer_close_leaves_queued_messages_to_poll() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(frontend().startup(196608, Map.of("user", "u")).query("x").bytes()));
        FrontendConnection c = connections.get(0);
        Latch latch = new Latch();
        c.setWakeup(latch);
        latch.reset();
        ch.close();
        assertTrue(latch.isSet());
        assertFalse(c.isOpen());
        assertEquals(new Query("x"), c.poll());
        assertNull(c.poll());
        c.close();
        assertFalse(ch.finish());
    }

    @Test
    void flush_hands_the_written_messages_to_the_channel_in_one_buffer() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(frontend().startup(196608, Map.of("user", "u")).bytes()));
        FrontendConnection c = connections.get(0);
        c.writer().authenticationOk();
        c.writer().readyForQuery('I');
        assertNull(ch.readOutbound());
        c.flush();
        ByteBuf out = ch.readOutbound();
        assertArrayEquals(new byte[] {'R', 0, 0, 0, 8, 0, 0, 0, 0, 'Z', 0, 0, 0, 5, 'I'}, ByteBufUtil.getBytes(out));
        out.release();
        assertNull(ch.readOutbound());
        assertEquals(0, c.writer().bufferedBytes());
        c.flush(); // nothing: no empty write
        assertNull(ch.readOutbound());
        c.close();
        assertFalse(ch.finish());
    }

    @Test
    void close_flushes_then_closes() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(frontend().startup(196608, Map.of("user", "u")).query("q").bytes()));
        FrontendConnection c = connections.get(0);
        c.writer().readyForQuery('I');
        c.close();
        assertArrayEquals(new byte[] {'Z', 0, 0, 0, 5, 'I'}, outbound(ch));
        assertFalse(ch.isOpen());
        assertNull(c.poll());
        assertFalse(ch.finish());
    }

    @Test
    void a_handler_that_throws_closes_the_connection() {
        EmbeddedChannel ch = new EmbeddedChannel(new ClientInitializer((c, p) -> {
            throw new IllegalStateException("no backend");
        }, (pid, key) -> { }, Duration.ofMinutes(1), false, null));
        ch.writeInbound(Unpooled.wrappedBuffer(frontend().startup(196608, Map.of("user", "u")).sync().bytes()));
        assertFalse(ch.isOpen());
        assertFalse(ch.finish());
    }

    @Test
    void after_the_peers_eof_queued_messages_remain_and_replies_still_go_out() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(frontend().startup(196608, Map.of("user", "u")).query("select 1").bytes()));
        FrontendConnection c = connections.get(0);
        Latch latch = new Latch();
        c.setWakeup(latch);
        latch.reset();
        ch.pipeline().fireUserEventTriggered(io.netty.channel.socket.ChannelInputShutdownEvent.INSTANCE);
        assertTrue(latch.isSet(), "EOF wakes the backend");
        assertFalse(c.isOpen());
        assertInstanceOf(Query.class, c.poll());
        assertNull(c.poll());
        c.writer().readyForQuery('I');
        c.flush();
        assertArrayEquals(new byte[] {'Z', 0, 0, 0, 5, 'I'}, outbound(ch));
        c.close();
        assertFalse(ch.isOpen());
    }

    @Test
    void eof_before_a_whole_startup_packet_closes_the_connection() {
        byte[] packet = frontend().startup(196608, Map.of("user", "u")).bytes();
        for (int n : new int[] {0, 3, packet.length - 1}) {
            EmbeddedChannel ch = channel();
            if (n > 0) ch.writeInbound(Unpooled.wrappedBuffer(packet, 0, n));
            ch.pipeline().fireUserEventTriggered(io.netty.channel.socket.ChannelInputShutdownEvent.INSTANCE);
            assertFalse(ch.isOpen(), "after " + n + " bytes");
            assertTrue(connections.isEmpty());
        }
    }

    @Test
    void a_whole_startup_packet_followed_by_eof_still_reaches_the_backend() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(frontend().startup(196608, Map.of("database", "d")).bytes()));
        ch.pipeline().fireUserEventTriggered(io.netty.channel.socket.ChannelInputShutdownEvent.INSTANCE);
        assertEquals(1, connections.size());
        assertTrue(ch.isOpen(), "the backend answers, then closes");
        FrontendConnection c = connections.get(0);
        assertFalse(c.isOpen());
        c.writer().readyForQuery('I');
        c.close();
        assertArrayEquals(new byte[] {'Z', 0, 0, 0, 5, 'I'}, outbound(ch));
    }
}
