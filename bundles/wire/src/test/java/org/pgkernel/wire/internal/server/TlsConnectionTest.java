package org.pgkernel.wire.internal.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pgkernel.wire.testing.FrontendEncoder.frontend;

import io.netty.handler.ssl.SslHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgkernel.kernel.api.Latch;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.wire.api.FrontendConnection;
import org.pgkernel.wire.api.FrontendMessage;
import org.pgkernel.wire.api.FrontendMessage.Query;
import org.pgkernel.wire.api.TlsSession;
import org.pgkernel.wire.testing.TestPki;

/**
 * TLS end to end over real sockets: the JDK's SSLSocket as the client (as pgjdbc uses it),
 * certificates made by {@link TestPki}, the server as the postmaster runs it.
 */
class TlsConnectionTest {
    @TempDir
    Path dataDir;

    private final BlockingQueue<FrontendConnection> connections = new ArrayBlockingQueue<>(10);
    private final WireServer server = new WireServer((c, p) -> connections.add(c), (pid, key) -> { },
            ProcessHandle.current().pid(), 1795409930L);
    private final Map<String, String> settings = new HashMap<>();
    private TestPki.Issued ca;
    private TestPki.Issued serverCert;
    private int port;

    @BeforeEach
    void setUp() throws Exception {
        ca = TestPki.ca("test-ca");
        serverCert = TestPki.server(ca, TestPki.ecKeys());
        TestPki.write(dataDir.resolve("server.crt"), TestPki.pem(serverCert.certificate()), "rw-r--r--");
        TestPki.write(dataDir.resolve("server.key"), TestPki.pem(serverCert.key()), "rw-------");
        TestPki.write(dataDir.resolve("root.crt"), TestPki.pem(ca.certificate()), "rw-r--r--");
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        settings.put("port", Integer.toString(port));
        settings.put("listen_addresses", "127.0.0.1");
        settings.put("unix_socket_directories", "");
        settings.put("authentication_timeout", "1min");
        settings.put("ssl", "on");
    }

    @AfterEach
    void shutdown() {
        server.shutdown();
        for (FrontendConnection c; (c = connections.poll()) != null; ) c.close();
    }

    private void open() {
        server.open(settings::get, dataDir);
    }

    /** SSLRequest, 'S', then a TLS handshake on the same socket. */
    private SSLSocket negotiate(SSLContext ctx, String... alpn) throws IOException {
        Socket plain = new Socket(InetAddress.getLoopbackAddress(), port);
        plain.setSoTimeout(10_000);
        plain.getOutputStream().write(frontend().sslRequest().bytes());
        assertEquals('S', plain.getInputStream().read());
        SSLSocket ssl = (SSLSocket) ctx.getSocketFactory().createSocket(plain, "localhost", port, true);
        if (alpn.length > 0) {
            SSLParameters p = ssl.getSSLParameters();
            p.setApplicationProtocols(alpn);
            ssl.setSSLParameters(p);
        }
        ssl.startHandshake();
        return ssl;
    }

    /** Direct TLS: the ClientHello is the first thing the server reads. */
    private SSLSocket direct(SSLContext ctx, String... alpn) throws IOException {
        SSLSocket ssl = (SSLSocket) ctx.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
        ssl.setSoTimeout(10_000);
        SSLParameters p = ssl.getSSLParameters();
        if (alpn.length > 0) p.setApplicationProtocols(alpn);
        ssl.setSSLParameters(p);
        ssl.startHandshake();
        return ssl;
    }

    private FrontendConnection startup(Socket s) throws Exception {
        s.getOutputStream().write(frontend().startup(196608, Map.of("user", "u")).query("select 1").bytes());
        FrontendConnection c = connections.poll(10, TimeUnit.SECONDS);
        assertNotNull(c, "the startup packet reached the backend");
        return c;
    }

    private static FrontendMessage next(FrontendConnection c) {
        Latch latch = new Latch();
        c.setWakeup(latch);
        FrontendMessage m;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((m = c.poll()) == null && System.nanoTime() < deadline) {
            latch.reset();
            if ((m = c.poll()) != null) break;
            latch.await(100);
        }
        return m;
    }

    /** The server answers, the client reads it back decrypted. */
    private static void roundTrip(FrontendConnection c, Socket s) throws IOException {
        assertEquals(new Query("select 1"), next(c));
        c.writer().readyForQuery('I');
        c.flush();
        assertArrayEquals(new byte[] {'Z', 0, 0, 0, 5, 'I'}, s.getInputStream().readNBytes(6));
    }

    @Test
    void an_ssl_request_is_answered_s_and_the_session_runs_over_tls() throws Exception {
        open();
        try (SSLSocket s = negotiate(TestPki.clientContext(ca.certificate(), null))) {
            FrontendConnection c = startup(s);
            assertTrue(c.isSsl());
            TlsSession t = c.tlsSession();
            assertEquals(s.getSession().getProtocol(), t.version());
            assertEquals("TLSv1.3", t.version());
            assertEquals(s.getSession().getCipherSuite(), t.cipher(), "TLS 1.3 suites have one name");
            assertTrue(t.bits() == 128 || t.bits() == 256);
            assertArrayEquals(serverCert.certificate().getEncoded(), t.serverCertificate());
            assertNull(t.clientCertificate());
            assertNull(t.peerDn());
            assertNull(t.clientDn());
            // the TLS handler leads the pipeline, and the backend does not write to the socket itself
            var pipeline = ((ChannelConnection) c).channelForTests().pipeline();
            assertTrue(pipeline.first() instanceof SslHandler);
            roundTrip(c, s);
        }
    }

    @Test
    void tls_1_2_shows_openssl_cipher_names() throws Exception {
        settings.put("ssl_max_protocol_version", "TLSv1.2");
        open();
        try (SSLSocket s = negotiate(TestPki.clientContext(ca.certificate(), null))) {
            FrontendConnection c = startup(s);
            assertEquals("TLSv1.2", c.tlsSession().version());
            assertTrue(c.tlsSession().cipher().startsWith("ECDHE-ECDSA-"), c.tlsSession().cipher());
            roundTrip(c, s);
        }
    }

    @Test
    void answers_larger_than_the_socket_buffer_arrive_whole_over_tls() throws Exception {
        open();
        try (SSLSocket s = negotiate(TestPki.clientContext(null, null))) {
            FrontendConnection c = startup(s);
            assertEquals(new Query("select 1"), next(c));
            byte[] payload = new byte[100_000];
            int rounds = 20;
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            Thread reader = Thread.ofPlatform().start(() -> {
                try {
                    InputStream in = s.getInputStream();
                    byte[] buf = new byte[8192];
                    while (got.size() < rounds * (payload.length + 5)) {
                        int n = in.read(buf);
                        if (n < 0) break;
                        got.write(buf, 0, n);
                    }
                } catch (IOException e) {
                    // the assertion on the size below reports it
                }
            });
            Latch latch = new Latch();
            c.setWakeup(latch);
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
            byte[] all = got.toByteArray();
            assertEquals(rounds * (payload.length + 5), all.length);
            for (int r = 0; r < rounds; r++) {
                assertEquals('d', all[r * (payload.length + 5)]);
                assertEquals((byte) r, all[r * (payload.length + 5) + 5 + 777]);
            }
        }
    }

    @Test
    void a_client_certificate_signed_by_ssl_ca_file_is_verified_and_named() throws Exception {
        settings.put("ssl_ca_file", "root.crt");
        open();
        TestPki.Issued client = TestPki.client(ca, "CN=certuser,O=Example");
        try (SSLSocket s = negotiate(TestPki.clientContext(ca.certificate(), client))) {
            FrontendConnection c = startup(s);
            TlsSession t = c.tlsSession();
            assertEquals(client.certificate(), t.clientCertificate());
            assertEquals("CN=certuser,O=Example", t.peerDn());
            assertEquals("certuser", t.peerCn());
            assertEquals("/O=Example/CN=certuser", t.clientDn());
            assertEquals(client.certificate().getSerialNumber().toString(), t.clientSerial());
            assertEquals("/CN=test-ca", t.issuerDn());
            roundTrip(c, s);
        }
        // asked for, not required: a client without a certificate still connects
        try (SSLSocket s = negotiate(TestPki.clientContext(ca.certificate(), null))) {
            FrontendConnection c = startup(s);
            assertNull(c.tlsSession().clientCertificate());
            roundTrip(c, s);
        }
    }

    @Test
    void a_client_certificate_of_another_ca_fails_the_handshake() throws Exception {
        settings.put("ssl_ca_file", "root.crt");
        open();
        TestPki.Issued stranger = TestPki.client(TestPki.ca("other-ca"), "CN=certuser");
        assertThrows(IOException.class, () -> {
            try (SSLSocket s = negotiate(TestPki.clientContext(ca.certificate(), stranger))) {
                // TLS 1.3: the client learns of the rejection on its first read
                s.getOutputStream().write(frontend().startup(196608, Map.of("user", "u")).bytes());
                s.getInputStream().read();
            }
        });
        assertNull(connections.poll(300, TimeUnit.MILLISECONDS), "no backend for a rejected certificate");
    }

    @Test
    void a_revoked_client_certificate_fails_the_handshake_when_ssl_crl_file_lists_it() throws Exception {
        TestPki.Issued good = TestPki.client(ca, "CN=good");
        TestPki.Issued revoked = TestPki.client(ca, "CN=revoked");
        TestPki.write(dataDir.resolve("root.crl"), TestPki.pem(TestPki.crl(ca, revoked.certificate())), "rw-r--r--");
        settings.put("ssl_ca_file", "root.crt");
        settings.put("ssl_crl_file", "root.crl");
        open();
        try (SSLSocket s = negotiate(TestPki.clientContext(ca.certificate(), good))) {
            FrontendConnection c = startup(s);
            assertEquals("good", c.tlsSession().peerCn());
            roundTrip(c, s);
        }
        assertThrows(IOException.class, () -> {
            try (SSLSocket s = negotiate(TestPki.clientContext(ca.certificate(), revoked))) {
                s.getOutputStream().write(frontend().startup(196608, Map.of("user", "u")).bytes());
                s.getInputStream().read();
            }
        });
        assertNull(connections.poll(300, TimeUnit.MILLISECONDS));
    }

    @Test
    void direct_tls_with_alpn_postgresql_needs_no_ssl_request() throws Exception {
        open();
        try (SSLSocket s = direct(TestPki.clientContext(ca.certificate(), null), "postgresql")) {
            assertEquals("postgresql", s.getApplicationProtocol());
            FrontendConnection c = startup(s);
            assertTrue(c.isSsl());
            roundTrip(c, s);
        }
    }

    @Test
    void direct_tls_without_alpn_is_closed_after_the_handshake() throws Exception {
        open();
        try (SSLSocket s = direct(TestPki.clientContext(ca.certificate(), null))) {
            assertEquals("", s.getApplicationProtocol());
            s.getOutputStream().write(frontend().startup(196608, Map.of("user", "u")).bytes());
            assertEquals(-1, readOrEof(s));
        }
        assertNull(connections.poll(300, TimeUnit.MILLISECONDS), "no backend without ALPN");
    }

    @Test
    void a_client_offering_only_other_alpn_protocols_is_refused() throws Exception {
        open();
        assertThrows(SSLException.class, () -> negotiate(TestPki.clientContext(ca.certificate(), null), "http/1.1"));
        assertThrows(SSLException.class, () -> direct(TestPki.clientContext(ca.certificate(), null), "h2"));
    }

    @Test
    void the_ssl_request_path_accepts_alpn_postgresql_too() throws Exception {
        open();
        try (SSLSocket s = negotiate(TestPki.clientContext(ca.certificate(), null), "postgresql")) {
            assertEquals("postgresql", s.getApplicationProtocol());
            FrontendConnection c = startup(s);
            roundTrip(c, s);
        }
    }

    @Test
    void unencrypted_bytes_after_the_ssl_request_are_fatal_in_the_clear() throws Exception {
        open();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(frontend().sslRequest().startup(196608, Map.of("user", "u")).bytes());
            assertEquals('S', s.getInputStream().read());
            String rest = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(rest.startsWith("E"), rest);
            assertTrue(rest.contains("received unencrypted data after SSL request"), rest);
        }
    }

    @Test
    void inside_tls_another_ssl_or_gss_request_is_an_unsupported_protocol() throws Exception {
        open();
        try (SSLSocket s = negotiate(TestPki.clientContext(null, null))) {
            s.getOutputStream().write(frontend().gssEncRequest().bytes());
            String rest = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(rest.contains("unsupported frontend protocol 1234.5680: server supports 3.0 to 3.0"), rest);
        }
    }

    @Test
    void a_plain_connection_still_works_while_tls_is_offered() throws Exception {
        open();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            FrontendConnection c = startup(s);
            assertFalse(c.isSsl());
            assertNull(c.tlsSession());
            roundTrip(c, s);
        }
    }

    @Test
    void unix_domain_sockets_answer_n_while_tls_is_on() throws Exception {
        Files.createDirectory(dataDir.resolve("sock"));
        settings.put("unix_socket_directories", "sock");
        open();
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(dataDir.resolve("sock/.s.PGSQL." + port)));
            ch.write(ByteBuffer.wrap(frontend().sslRequest().bytes()));
            ByteBuffer answer = ByteBuffer.allocate(1);
            assertEquals(1, ch.read(answer));
            assertEquals('N', answer.get(0));
        }
    }

    @Test
    void a_bad_certificate_at_start_is_fatal_and_nothing_is_bound() throws Exception {
        settings.put("ssl_cert_file", "missing.crt");
        PgException e = assertThrows(PgException.class, this::open);
        assertEquals("could not load server certificate file \"missing.crt\": No such file or directory", e.getMessage());
        assertThrows(IOException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close());
    }

    @Test
    void a_reload_swaps_certificates_for_new_connections_and_keeps_the_old_ones_on_a_bad_key() throws Exception {
        open();
        SSLSocket before = negotiate(TestPki.clientContext(ca.certificate(), null));
        FrontendConnection old = startup(before);

        // a bad new key: logged, and connections keep getting the old certificate
        TestPki.Issued next = TestPki.server(ca, TestPki.ecKeys());
        TestPki.write(dataDir.resolve("server.crt"), TestPki.pem(next.certificate()), "rw-r--r--");
        TestPki.write(dataDir.resolve("server.key"), TestPki.pem(next.key()), "rw-r--r--");
        assertFalse(server.reloadTls());
        try (SSLSocket s = negotiate(TestPki.clientContext(ca.certificate(), null))) {
            assertEquals(serverCert.certificate(), s.getSession().getPeerCertificates()[0]);
            roundTrip(startup(s), s);
        }

        // fixed: the next connection sees the new certificate
        Files.setPosixFilePermissions(dataDir.resolve("server.key"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertTrue(server.reloadTls());
        try (SSLSocket s = negotiate(TestPki.clientContext(ca.certificate(), null))) {
            assertEquals(next.certificate(), (X509Certificate) s.getSession().getPeerCertificates()[0]);
            roundTrip(startup(s), s);
        }

        // the session from before the reloads is untouched
        roundTrip(old, before);
        before.close();

        // ssl turned off by a reload: 'N' from now on
        settings.put("ssl", "off");
        assertTrue(server.reloadTls());
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.getOutputStream().write(frontend().sslRequest().bytes());
            assertEquals('N', s.getInputStream().read());
        }
    }

    private static int readOrEof(Socket s) {
        try {
            return s.getInputStream().read();
        } catch (IOException e) {
            return -1;
        }
    }
}
