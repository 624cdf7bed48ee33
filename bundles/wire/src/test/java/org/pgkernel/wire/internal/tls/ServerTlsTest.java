package org.pgkernel.wire.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandler;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgkernel.kernel.api.ErrorSeverity;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.SqlState;
import org.pgkernel.wire.testing.TestPki;

class ServerTlsTest {
    @TempDir
    Path dataDir;

    private final Map<String, String> settings = new HashMap<>();
    private final ServerTls tls = new ServerTls();
    private TestPki.Issued ca;
    private TestPki.Issued server;

    @BeforeEach
    void certificates() throws Exception {
        ca = TestPki.ca("test-ca");
        server = TestPki.server(ca, TestPki.ecKeys());
        TestPki.write(dataDir.resolve("server.crt"), TestPki.pem(server.certificate()), "rw-r--r--");
        TestPki.write(dataDir.resolve("server.key"), TestPki.pem(server.key()), "rw-------");
        TestPki.write(dataDir.resolve("root.crt"), TestPki.pem(ca.certificate()), "rw-r--r--");
        settings.put("ssl", "on");
    }

    private PgException startFails() {
        return assertThrows(PgException.class, () -> tls.initialize(settings::get, dataDir));
    }

    @Test
    void loads_relative_files_from_the_data_directory_and_offers_tls() {
        tls.initialize(settings::get, dataDir);
        assertTrue(tls.enabled());
        SslHandler h = tls.newHandler(new EmbeddedChannel());
        assertNotNull(h);
        assertFalse(h.engine().getUseClientMode());
        assertEquals(List.of("TLSv1.3", "TLSv1.2"), List.of(h.engine().getEnabledProtocols()));
        assertFalse(h.engine().getWantClientAuth(), "no ssl_ca_file: no client certificate asked for");
        assertTrue(h.engine().getSSLParameters().getUseCipherSuitesOrder());
        assertEquals(0, h.getHandshakeTimeoutMillis(), "authentication_timeout covers the handshake");
    }

    @Test
    void asks_for_a_client_certificate_when_ssl_ca_file_is_set() {
        settings.put("ssl_ca_file", "root.crt");
        tls.initialize(settings::get, dataDir);
        SslHandler h = tls.newHandler(new EmbeddedChannel());
        assertTrue(h.engine().getWantClientAuth());
        assertFalse(h.engine().getNeedClientAuth());
    }

    @Test
    void ssl_off_offers_nothing() {
        settings.put("ssl", "off");
        settings.put("ssl_cert_file", "absent.crt");
        tls.initialize(settings::get, dataDir);
        assertFalse(tls.enabled());
        assertNull(tls.newHandler(new EmbeddedChannel()));
    }

    @Test
    void a_missing_certificate_is_fatal_at_start() {
        settings.put("ssl_cert_file", "absent.crt");
        PgException e = startFails();
        assertEquals(ErrorSeverity.FATAL, e.severity());
        assertEquals(SqlState.CONFIG_FILE_ERROR, e.sqlState());
        assertEquals("could not load server certificate file \"absent.crt\": No such file or directory", e.getMessage());
        assertFalse(tls.enabled());
    }

    @Test
    void a_key_readable_by_others_is_fatal_at_start() throws Exception {
        TestPki.write(dataDir.resolve("server.key"), TestPki.pem(server.key()), "rw-r--r--");
        PgException e = startFails();
        assertEquals("private key file \"server.key\" has group or world access", e.getMessage());
        assertEquals(KeyFileCheck.MODE_DETAIL, e.detail());
    }

    @Test
    void a_key_of_another_certificate_is_refused() throws Exception {
        TestPki.write(dataDir.resolve("server.key"), TestPki.pem(TestPki.ecKeys().getPrivate()), "rw-------");
        assertEquals("check of private key failed: key values mismatch", startFails().getMessage());
        TestPki.write(dataDir.resolve("server.key"), TestPki.pem(TestPki.rsaKeys().getPrivate()), "rw-------");
        assertEquals("check of private key failed: key type mismatch", startFails().getMessage());
    }

    @Test
    void an_rsa_certificate_with_a_pkcs1_key_and_a_chain_file_loads() throws Exception {
        TestPki.Issued rsa = TestPki.server(ca, TestPki.rsaKeys());
        TestPki.write(dataDir.resolve("rsa.crt"), TestPki.pem(rsa.certificate(), ca.certificate()), "rw-r--r--");
        TestPki.write(dataDir.resolve("rsa.key"), TestPki.pem(rsa.key()), "rw-------");
        settings.put("ssl_cert_file", dataDir.resolve("rsa.crt").toString());
        settings.put("ssl_key_file", "rsa.key");
        tls.initialize(settings::get, dataDir);
        assertTrue(tls.enabled());
    }

    @Test
    void protocol_range_curve_and_cipher_errors_are_postgresql_s() {
        settings.put("ssl_min_protocol_version", "TLSv1.3");
        settings.put("ssl_max_protocol_version", "TLSv1.2");
        PgException e = startFails();
        assertEquals("could not set SSL protocol version range", e.getMessage());
        assertEquals("\"ssl_min_protocol_version\" cannot be higher than \"ssl_max_protocol_version\"", e.detail());
        settings.remove("ssl_max_protocol_version");
        settings.remove("ssl_min_protocol_version");

        settings.put("ssl_ecdh_curve", "brainpool");
        assertEquals("ECDH: unrecognized curve name: brainpool", startFails().getMessage());
        settings.remove("ssl_ecdh_curve");

        settings.put("ssl_ciphers", "eNULL");
        assertEquals("could not set the cipher list (no valid ciphers available)", startFails().getMessage());
    }

    @Test
    void ca_and_crl_errors_name_their_files() {
        settings.put("ssl_ca_file", "absent-ca.crt");
        assertEquals("could not load root certificate file \"absent-ca.crt\": No such file or directory",
                startFails().getMessage());
        settings.put("ssl_ca_file", "root.crt");
        settings.put("ssl_crl_file", "absent.crl");
        assertEquals("could not load SSL certificate revocation list file \"absent.crl\": No such file or directory",
                startFails().getMessage());
    }

    @Test
    void a_reload_with_a_bad_new_key_keeps_the_old_configuration() throws Exception {
        tls.initialize(settings::get, dataDir);
        ServerTls.Loaded before = loaded();
        TestPki.write(dataDir.resolve("server.key"), TestPki.pem(server.key()), "rw-rw-rw-");
        assertFalse(tls.reload(settings::get, dataDir));
        assertTrue(tls.enabled());
        assertTrue(before == loaded(), "the old context stays");

        TestPki.write(dataDir.resolve("server.key"), TestPki.pem(server.key()), "rw-------");
        assertTrue(tls.reload(settings::get, dataDir));
        assertFalse(before == loaded(), "a good reload replaces it");

        settings.put("ssl", "off");
        assertTrue(tls.reload(settings::get, dataDir));
        assertFalse(tls.enabled());
    }

    @Test
    void a_reload_that_turns_ssl_on_with_a_bad_certificate_leaves_it_off() {
        settings.put("ssl", "off");
        tls.initialize(settings::get, dataDir);
        settings.put("ssl", "on");
        settings.put("ssl_cert_file", "absent.crt");
        assertFalse(tls.reload(settings::get, dataDir));
        assertFalse(tls.enabled());
    }

    @Test
    void an_encrypted_key_is_opened_with_ssl_passphrase_command() throws Exception {
        TestPki.write(dataDir.resolve("server.key"), TestPki.encryptedPkcs8(server.key(), "s3cret"), "rw-------");
        assertEquals("could not load private key file \"server.key\": problems getting password", startFails().getMessage());

        settings.put("ssl_passphrase_command", "echo s3cret");
        tls.initialize(settings::get, dataDir);
        assertTrue(tls.enabled());

        // a reload cannot use the command unless ssl_passphrase_command_supports_reload is on
        assertFalse(tls.reload(settings::get, dataDir));
        settings.put("ssl_passphrase_command_supports_reload", "on");
        assertTrue(tls.reload(settings::get, dataDir));

        settings.put("ssl_passphrase_command", "echo wrong");
        assertFalse(tls.reload(settings::get, dataDir));
        assertEquals("could not load private key file \"server.key\": bad decrypt",
                assertThrows(TlsConfigException.class,
                        () -> ServerTls.load(TlsSettings.read(settings::get, dataDir), true)).getMessage());
        settings.put("ssl_passphrase_command", "exit 3");
        TlsConfigException e = assertThrows(TlsConfigException.class,
                () -> ServerTls.load(TlsSettings.read(settings::get, dataDir), true));
        assertEquals("command \"exit 3\" failed", e.getMessage());
        assertEquals("child process exited with exit code 3", e.detail());
    }

    @Test
    void the_passphrase_command_gets_the_prompt_for_percent_p() throws Exception {
        assertEquals("Enter PEM pass phrase: 100%",
                new String(ServerTls.runPassphraseCommand("printf '%s\\n' '%p 100%%'", dataDir)));
    }

    private ServerTls.Loaded loaded() {
        return tls.loaded();
    }
}
