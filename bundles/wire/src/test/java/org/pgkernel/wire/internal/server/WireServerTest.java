package org.pgkernel.wire.internal.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pgkernel.wire.testing.FrontendEncoder.frontend;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgkernel.kernel.api.ErrorSeverity;
import org.pgkernel.kernel.api.Latch;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.spi.ClientListener.Opened;
import org.pgkernel.wire.api.FrontendConnection;
import org.pgkernel.wire.api.FrontendMessage;
import org.pgkernel.wire.api.FrontendMessage.Query;

class WireServerTest {
    @TempDir
    Path dataDir;

    private final BlockingQueue<FrontendConnection> connections = new ArrayBlockingQueue<>(10);
    private final WireServer server = new WireServer((c, p) -> connections.add(c), (pid, key) -> { },
            ProcessHandle.current().pid(), 1795409930L);

    @AfterEach
    void shutdown() {
        server.shutdown();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private Map<String, String> settings(int port, String listen, String sockets) {
        Map<String, String> m = new HashMap<>();
        m.put("port", Integer.toString(port));
        m.put("listen_addresses", listen);
        m.put("unix_socket_directories", sockets);
        m.put("authentication_timeout", "1min");
        return m;
    }

    private static byte[] readN(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        assertEquals(n, b.length);
        return b;
    }

    @Test
    void binds_tcp_and_a_unix_socket_and_answers_ssl_requests_on_both() throws Exception {
        int port = freePort();
        Files.createDirectory(dataDir.resolve("sock"));
        Opened opened = server.open(settings(port, "127.0.0.1", "sock")::get, dataDir);
        assertEquals("127.0.0.1", opened.listenAddress());
        assertEquals("sock", opened.socketDirectory());
        Path socket = dataDir.resolve("sock/.s.PGSQL." + port);
        Path lock = dataDir.resolve("sock/.s.PGSQL." + port + ".lock");
        assertEquals(List.of("IPv4 address \"127.0.0.1\", port " + port, "Unix socket \"" + socket + "\""),
                opened.describe());

        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.getOutputStream().write(frontend().sslRequest().bytes());
            assertArrayEquals(new byte[] {'N'}, readN(s.getInputStream(), 1));
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap(frontend().sslRequest().bytes()));
            ByteBuffer answer = ByteBuffer.allocate(1);
            assertEquals(1, ch.read(answer));
            assertEquals('N', answer.get(0));
        }

        assertEquals(List.of(Long.toString(ProcessHandle.current().pid()), dataDir.toString(), "1795409930",
                Integer.toString(port), "sock"), Files.readAllLines(lock));
        assertTrue(Files.readString(lock).endsWith("sock\n"));

        server.close();
        assertFalse(Files.exists(socket));
        assertFalse(Files.exists(lock));
    }

    @Test
    void a_unix_socket_connection_names_its_peers_os_user_and_a_tcp_one_does_not() throws Exception {
        int port = freePort();
        Files.createDirectory(dataDir.resolve("sock"));
        server.open(settings(port, "127.0.0.1", "sock")::get, dataDir);
        // the client is this process: the socket's peer credentials name the user that owns its files
        String me = Files.getOwner(Files.createFile(dataDir.resolve("mine"))).getName();
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(dataDir.resolve("sock/.s.PGSQL." + port)));
            ch.write(ByteBuffer.wrap(frontend().startup(196608, Map.of("user", "u")).bytes()));
            FrontendConnection c = connections.poll(10, TimeUnit.SECONDS);
            assertTrue(c.isUnixSocket());
            assertEquals(me, c.peerUserName());
            assertEquals(me, c.peerUserName(), "asked twice, the same answer");
            c.close();
        }
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.getOutputStream().write(frontend().startup(196608, Map.of("user", "u")).bytes());
            FrontendConnection c = connections.poll(10, TimeUnit.SECONDS);
            assertFalse(c.isUnixSocket());
            assertNull(c.peerUserName());
            c.close();
        }
    }

    @Test
    void a_backend_talks_to_a_real_client_over_tcp() throws Exception {
        int port = freePort();
        server.open(settings(port, "127.0.0.1", "")::get, dataDir);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.getOutputStream().write(frontend().startup(196608, Map.of("user", "u")).query("select 1").bytes());
            FrontendConnection c = connections.poll(10, TimeUnit.SECONDS);
            Latch latch = new Latch();
            c.setWakeup(latch);
            FrontendMessage m;
            while ((m = c.poll()) == null) {
                latch.reset();
                if ((m = c.poll()) != null) break;
                latch.await(10_000);
            }
            assertEquals(new Query("select 1"), m);
            c.writer().authenticationOk();
            c.writer().readyForQuery('I');
            c.flush();
            assertArrayEquals(new byte[] {'R', 0, 0, 0, 8, 0, 0, 0, 0, 'Z', 0, 0, 0, 5, 'I'},
                    readN(s.getInputStream(), 15));
            s.shutdownOutput();
            latch.reset();
            while (c.isOpen()) latch.await(100);
            c.close();
            assertEquals(-1, s.getInputStream().read());
        }
    }

    @Test
    void answers_larger_than_the_socket_buffer_arrive_whole_and_in_order() throws Exception {
        int port = freePort();
        server.open(settings(port, "127.0.0.1", "")::get, dataDir);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.getOutputStream().write(frontend().startup(196608, Map.of("user", "u")).bytes());
            FrontendConnection c = connections.poll(10, TimeUnit.SECONDS);
            // the backend writes to the socket itself while Netty holds nothing of it
            assertTrue(DirectChannels.socketOf(((ChannelConnection) c).channelForTests()) != null);
            Latch latch = new Latch();
            c.setWakeup(latch);
            int rounds = 64;
            byte[] payload = new byte[60_000];
            java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            Thread reader = Thread.ofPlatform().start(() -> {
                try {
                    java.io.InputStream in = s.getInputStream();
                    byte[] buf = new byte[4096];
                    long want = (long) rounds * (payload.length + 5);
                    while (got.size() < want) {
                        int n = in.read(buf);
                        if (n < 0) break;
                        got.write(buf, 0, n);
                        if (got.size() % 7 == 0) Thread.sleep(1); // a slow reader now and then
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            for (int r = 0; r < rounds; r++) {
                java.util.Arrays.fill(payload, (byte) r);
                c.writer().copyData(payload);
                c.flush();
                while (!c.isWritable() && c.isOpen()) {
                    latch.reset();
                    if (c.isWritable()) break;
                    latch.await(100);
                }
            }
            reader.join(30_000);
            assertNull(failure.get());
            byte[] all = got.toByteArray();
            assertEquals(rounds * (payload.length + 5), all.length);
            for (int r = 0; r < rounds; r++) {
                int at = r * (payload.length + 5);
                assertEquals('d', all[at]);
                for (int i = 0; i < payload.length; i += 997) assertEquals((byte) r, all[at + 5 + i], "round " + r);
            }
            c.close();
        }
    }

    @Test
    void a_port_in_use_is_fatal_as_postgres_words_it() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            PgException e = assertThrows(PgException.class,
                    () -> server.open(settings(taken.getLocalPort(), "127.0.0.1", "")::get, dataDir));
            assertEquals(ErrorSeverity.FATAL, e.severity());
            assertEquals("could not create any TCP/IP sockets", e.getMessage());
        }
    }

    @Test
    void a_socket_of_a_live_server_is_fatal_and_leaves_its_files() throws Exception {
        int port = freePort();
        Path lock = dataDir.resolve(".s.PGSQL." + port + ".lock");
        Files.writeString(lock, "1\n/elsewhere\n0\n" + port + "\n.\n");
        PgException e = assertThrows(PgException.class, () -> server.open(settings(port, "", ".")::get, dataDir));
        assertEquals(ErrorSeverity.FATAL, e.severity());
        assertEquals("lock file \"" + lock + "\" already exists", e.getMessage());
        assertEquals("Is another postmaster (PID 1) using socket file \"" + dataDir.resolve(".s.PGSQL." + port)
                + "\"?", e.hint());
        assertTrue(Files.exists(lock));
    }

    @Test
    void a_stale_socket_and_lock_file_are_replaced() throws Exception {
        int port = freePort();
        Path lock = dataDir.resolve(".s.PGSQL." + port + ".lock");
        Path socket = dataDir.resolve(".s.PGSQL." + port);
        Files.writeString(lock, "2147483646\n/elsewhere\n0\n" + port + "\n.\n");
        Files.writeString(socket, "");
        server.open(settings(port, "", ".")::get, dataDir);
        assertEquals(Long.toString(ProcessHandle.current().pid()), Files.readAllLines(lock).get(0));
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
        }
    }

    @Test
    void an_empty_list_of_everything_is_fatal() {
        PgException e = assertThrows(PgException.class, () -> server.open(settings(5432, "", "")::get, dataDir));
        assertEquals("no socket created for listening", e.getMessage());
    }

    @Test
    void a_missing_socket_directory_is_fatal_as_postgres_words_it() throws Exception {
        int port = freePort();
        PgException e = assertThrows(PgException.class,
                () -> server.open(settings(port, "", "nonexistent/x")::get, dataDir));
        assertEquals("could not create lock file \"" + dataDir.resolve("nonexistent/x/.s.PGSQL." + port + ".lock")
                + "\": No such file or directory", e.getMessage());
    }

    @Test
    void durations_are_read_as_show_prints_them() {
        assertEquals(java.time.Duration.ofMinutes(1), WireServer.parseDuration("1min"));
        assertEquals(java.time.Duration.ofSeconds(90), WireServer.parseDuration("90s"));
        assertEquals(java.time.Duration.ofMillis(500), WireServer.parseDuration("500ms"));
        assertEquals(java.time.Duration.ofSeconds(5), WireServer.parseDuration("5"));
    }

    @Test
    void ipv6_addresses_are_printed_as_inet_ntop_prints_them() throws Exception {
        assertEquals("::", WireServer.numericHost(InetAddress.getByName("::")));
        assertEquals("::1", WireServer.numericHost(InetAddress.getByName("::1")));
        assertEquals("fe80::1:2", WireServer.numericHost(InetAddress.getByName("fe80:0:0:0:0:0:1:2")));
        assertEquals("1:0:2::", WireServer.numericHost(InetAddress.getByName("1:0:2:0:0:0:0:0")));
        assertEquals("127.0.0.1", WireServer.numericHost(InetAddress.getByName("127.0.0.1")));
    }

    @Test
    void lists_are_split_as_postgres_splits_them() {
        assertEquals(List.of("localhost", "10.0.0.1"), WireServer.splitList(" localhost , \"10.0.0.1\""));
        assertEquals(List.of(), WireServer.splitList(""));
    }
}
