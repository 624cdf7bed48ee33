package org.pgkernel.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Issue 4 parts 3 and 5, black-box: the assembled distribution (bin/initdb --pwfile, pg_ctl) with
 * ssl = on and certificates this class makes (a CA, a server certificate for localhost and
 * 127.0.0.1, client certificates), logged into by PostgreSQL's own psql 15, pgjdbc and
 * node-postgres on pg_hba.conf lines of every password method, and refused as PostgreSQL 15
 * refuses: the same words, the same SQLSTATEs. The expected texts were checked against
 * PostgreSQL 15.18 with the same pg_hba.conf, roles and clients.
 *
 * <p>Below the drivers, {@link WireClient} sends what they never send — malformed SCRAM
 * messages, a downgrade flag over TLS, wrong channel-binding data, an empty password — and the
 * ErrorResponse fields (severity, SQLSTATE, message, detail) are compared with PostgreSQL 15.18's.
 *
 * <p>One server for the class. The cert and peer tests run when the distribution has those
 * method bundles and are skipped with a message otherwise.
 */
class AuthTlsIT {
    private static final String SUPERUSER_PASSWORD = "initdb secret";
    private static final String NODE_MODULES = "/work/shared/conformance/clients/node/node_modules";
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);

    private static Server srv;
    private static Path certs;
    private static X509Certificate caCertificate;
    /** An empty HOME for psql: no ~/.pgpass, ~/.postgresql/root.crt or postgresql.crt of this machine's user. */
    private static Path home;
    /** The OS user running the tests: peer authentication's user name. */
    private static final String OS_USER = System.getProperty("user.name");

    @BeforeAll
    static void start() throws Exception {
        srv = Server.createWithSuperuserPassword(SUPERUSER_PASSWORD, true,
                "ssl = on", "ssl_cert_file = 'server.crt'", "ssl_key_file = 'server.key'", "ssl_ca_file = 'root.crt'");
        certs = Files.createDirectories(srv.dir.resolve("certs"));
        home = Files.createDirectories(srv.dir.resolve("home"));
        TestCertificates.Issued ca = TestCertificates.newCa("pgkernel test CA");
        TestCertificates.writeCertificate(certs.resolve("ca.crt"), ca.certificate());
        caCertificate = ca.certificate();
        TestCertificates.Issued server = TestCertificates.issue(ca, "localhost",
                List.of(TestCertificates.dns("localhost"), TestCertificates.ip("127.0.0.1")));
        TestCertificates.writeCertificate(srv.data.resolve("server.crt"), server.certificate());
        TestCertificates.writeKey(srv.data.resolve("server.key"), server.key());
        TestCertificates.writeCertificate(srv.data.resolve("root.crt"), ca.certificate());
        for (String cn : List.of("certuser", "otheruser", "cfuser")) {
            TestCertificates.Issued client = TestCertificates.issue(ca, cn, List.of());
            TestCertificates.writeCertificate(certs.resolve(cn + ".crt"), client.certificate());
            TestCertificates.writeKey(certs.resolve(cn + ".key"), client.key());
        }
        // a CA the server's certificate does not come from
        TestCertificates.writeCertificate(certs.resolve("other-ca.crt"), TestCertificates.newCa("some other CA").certificate());

        srv.writeHba(
                "local   all alice             peer map=osusers",
                "local   all all               peer",
                "hostssl all certuser   127.0.0.1/32 cert",
                "hostssl all mappeduser 127.0.0.1/32 cert map=certmap",
                "hostssl all otherrole  127.0.0.1/32 cert map=rx",
                "hostssl all dnuser     127.0.0.1/32 cert clientname=DN map=dnmap",
                "hostssl all cfuser     127.0.0.1/32 scram-sha-256 clientcert=verify-full",
                "hostssl all causer     127.0.0.1/32 md5 clientcert=verify-ca",
                "host    all postgres  127.0.0.1/32 scram-sha-256",
                "host    all scramuser 127.0.0.1/32 scram-sha-256",
                "host    all md5user   127.0.0.1/32 md5",
                "host    all md5scram  127.0.0.1/32 md5",
                "host    all pwuser    127.0.0.1/32 password",
                "host    all all       127.0.0.1/32 scram-sha-256");
        Files.writeString(srv.data.resolve("pg_ident.conf"), "\nosusers " + OS_USER + " alice\n"
                        + "certmap otheruser mappeduser\n"
                        + "rx \"/^(other)user$\" \\1role\n"
                        + "dnmap \"CN=certuser\" dnuser\n", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        srv.startOrFail();

        try (Connection c = jdbc("postgres", SUPERUSER_PASSWORD, "postgres", "sslmode", "disable"); Statement s = c.createStatement()) {
            s.execute("SET password_encryption = 'md5'");
            s.execute("CREATE ROLE md5user LOGIN PASSWORD 'md5 pass'");
            s.execute("SET password_encryption = 'scram-sha-256'");
            s.execute("CREATE ROLE scramuser LOGIN PASSWORD 'scram pass'");
            s.execute("CREATE ROLE md5scram LOGIN PASSWORD 'md5scram pass'");
            s.execute("CREATE ROLE pwuser LOGIN PASSWORD 'pw pass'");
            s.execute("CREATE ROLE nologinuser NOLOGIN PASSWORD 'nologin pass'");
            s.execute("CREATE ROLE expireduser LOGIN PASSWORD 'expired pass' VALID UNTIL '2000-01-01 00:00:00+00'");
            s.execute("CREATE ROLE nopwuser LOGIN");
            s.execute("CREATE ROLE certuser LOGIN");
            s.execute("CREATE ROLE mappeduser LOGIN");
            s.execute("CREATE ROLE otherrole LOGIN");
            s.execute("CREATE ROLE dnuser LOGIN");
            s.execute("CREATE ROLE cfuser LOGIN PASSWORD 'cf pass'");
            s.execute("SET password_encryption = 'md5'");
            s.execute("CREATE ROLE causer LOGIN PASSWORD 'ca pass'");
            s.execute("CREATE ROLE alice LOGIN");
            if (!OS_USER.equals("postgres")) s.execute("CREATE ROLE \"" + OS_USER + "\" LOGIN");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (srv != null) srv.close();
    }

    // ------------------------------------------------------------------ psql

    /** Roles on a line of each password method, with their passwords. */
    static Stream<Arguments> logins() {
        return Stream.of(
                Arguments.of("postgres", SUPERUSER_PASSWORD),   // scram-sha-256, the secret initdb --pwfile stored
                Arguments.of("scramuser", "scram pass"),        // scram-sha-256
                Arguments.of("md5user", "md5 pass"),            // md5, md5 verifier
                Arguments.of("md5scram", "md5scram pass"),      // md5 line, SCRAM verifier: SCRAM is used
                Arguments.of("pwuser", "pw pass"));             // password (cleartext) against a SCRAM verifier
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("logins")
    void psql_logs_in_with_pgpassword_on_its_method_line(String user, String password) throws Exception {
        Command.Result r = psql(tcp(user, "sslmode=disable"), password, "SELECT current_user");
        assertEquals(0, r.code(), r.toString());
        assertEquals(user + "\n", r.stdout(), r.toString());
        assertEquals("", r.stderr(), r.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("logins")
    void psql_logs_in_over_tls_with_sslmode_require(String user, String password) throws Exception {
        Command.Result r = psql(tcp(user, "sslmode=require"), password, SSL_ROW);
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.stdout().startsWith(user + "|t|TLSv1."), r.toString());
    }

    /** One row: current user, pg_stat_ssl's ssl, version and client_dn of this session. */
    private static final String SSL_ROW = "SELECT current_user, s.ssl, s.version, coalesce(s.client_dn, '') "
            + "FROM pg_stat_ssl s WHERE s.pid = pg_backend_pid()";

    @Test
    void psql_with_verify_full_accepts_the_server_certificate_by_host_name_and_by_address() throws Exception {
        String root = "sslmode=verify-full sslrootcert=" + certs.resolve("ca.crt");
        Command.Result byName = psql(byName("scramuser", root), "scram pass", SSL_ROW);
        assertEquals(0, byName.code(), byName.toString());
        assertTrue(byName.stdout().startsWith("scramuser|t|TLSv1."), byName.toString());
        Command.Result byAddress = psql(tcp("scramuser", root), "scram pass", SSL_ROW);
        assertEquals(0, byAddress.code(), byAddress.toString());
        assertTrue(byAddress.stdout().startsWith("scramuser|t|TLSv1."), byAddress.toString());
    }

    @Test
    void psql_with_verify_full_refuses_a_server_certificate_from_another_ca() throws Exception {
        Command.Result r = psql(byName("scramuser", "sslmode=verify-full sslrootcert=" + certs.resolve("other-ca.crt")),
                "scram pass", "SELECT 1");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.stderr().contains("certificate verify failed"), r.toString());
    }

    /** SCRAM-SHA-256-PLUS (tls-server-end-point): libpq accepts the login only if it was channel-bound. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("scramRoles")
    void psql_with_channel_binding_require_logs_in_over_tls(String user, String password) throws Exception {
        Command.Result r = psql(tcp(user, "sslmode=require channel_binding=require"), password, SSL_ROW);
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.stdout().startsWith(user + "|t|TLSv1."), r.toString());
    }

    static Stream<Arguments> scramRoles() {
        return Stream.of(Arguments.of("scramuser", "scram pass"), Arguments.of("md5scram", "md5scram pass"),
                Arguments.of("postgres", SUPERUSER_PASSWORD));
    }

    @Test
    void psql_with_channel_binding_require_refuses_to_log_in_without_tls() throws Exception {
        Command.Result r = psql(tcp("scramuser", "sslmode=disable channel_binding=require"), "scram pass", "SELECT 1");
        assertEquals(2, r.code(), r.toString());
        assertEquals(connectionFailed("channel binding required, but SSL not in use"), r.stderr(), r.toString());
    }

    @Test
    void psql_with_channel_binding_require_refuses_an_md5_exchange_over_tls() throws Exception {
        Command.Result r = psql(tcp("md5user", "sslmode=require channel_binding=require"), "md5 pass", "SELECT 1");
        assertEquals(2, r.code(), r.toString());
        assertEquals(connectionFailed("channel binding required but not supported by server's authentication request"),
                r.stderr(), r.toString());
    }

    /** user, password, database, SQLSTATE, message: each as PostgreSQL 15 refuses it. */
    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("scramuser", "wrong", "postgres", "28P01", "password authentication failed for user \"scramuser\""),
                Arguments.of("md5user", "wrong", "postgres", "28P01", "password authentication failed for user \"md5user\""),
                Arguments.of("md5scram", "wrong", "postgres", "28P01", "password authentication failed for user \"md5scram\""),
                Arguments.of("pwuser", "wrong", "postgres", "28P01", "password authentication failed for user \"pwuser\""),
                Arguments.of("postgres", "wrong", "postgres", "28P01", "password authentication failed for user \"postgres\""),
                // authenticated first, then refused (InitializeSessionUserId)
                Arguments.of("nologinuser", "nologin pass", "postgres", "28000", "role \"nologinuser\" is not permitted to log in"),
                // the right password, but VALID UNTIL has passed
                Arguments.of("expireduser", "expired pass", "postgres", "28P01", "password authentication failed for user \"expireduser\""),
                Arguments.of("nopwuser", "any", "postgres", "28P01", "password authentication failed for user \"nopwuser\""),
                // not "role does not exist": roles cannot be enumerated
                Arguments.of("ghost", "any", "postgres", "28P01", "password authentication failed for user \"ghost\""),
                Arguments.of("scramuser", "scram pass", "nosuchdb", "3D000", "database \"nosuchdb\" does not exist"));
    }

    @ParameterizedTest(name = "{0} / {2}: {3}")
    @MethodSource("refusals")
    void psql_is_refused_as_postgresql_refuses_it(String user, String password, String db, String sqlState, String message)
            throws Exception {
        Command.Result r = psql("host=127.0.0.1 port=" + srv.port + " dbname=" + db + " user=" + user + " sslmode=disable",
                password, "SELECT 1");
        assertEquals(2, r.code(), r.toString());
        assertEquals("", r.stdout(), r.toString());
        assertEquals(connectionFailed("FATAL:  " + message), r.stderr(), r.toString());
    }

    // ------------------------------------------------------------------ pgjdbc

    @ParameterizedTest(name = "{0}")
    @MethodSource("logins")
    void pgjdbc_logs_in_on_its_method_line(String user, String password) throws Exception {
        try (Connection c = jdbc(user, password, "postgres", "sslmode", "disable")) {
            assertEquals(List.of(user, "f"), row(c, "SELECT current_user, s.ssl FROM pg_stat_ssl s WHERE s.pid = pg_backend_pid()"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scramRoles")
    void pgjdbc_with_verify_full_and_channel_binding_require_logs_in_over_tls(String user, String password) throws Exception {
        try (Connection c = jdbc(user, password, "postgres", "ssl", "true", "sslmode", "verify-full",
                "sslrootcert", certs.resolve("ca.crt").toString(), "channelBinding", "require")) {
            assertEquals(List.of(user, "t"), row(c, "SELECT current_user, s.ssl FROM pg_stat_ssl s WHERE s.pid = pg_backend_pid()"));
        }
    }

    @Test
    void pgjdbc_with_verify_full_refuses_a_server_certificate_from_another_ca() {
        SQLException e = assertThrows(SQLException.class, () -> jdbc("scramuser", "scram pass", "postgres", "ssl", "true",
                "sslmode", "verify-full", "sslrootcert", certs.resolve("other-ca.crt").toString()).close());
        assertEquals("08006", e.getSQLState(), e.toString());
    }

    @ParameterizedTest(name = "{0} / {2}: {3}")
    @MethodSource("refusals")
    void pgjdbc_gets_the_fatal_sqlstate_and_message_of_each_refusal_over_tls(String user, String password, String db,
            String sqlState, String message) {
        SQLException e = assertThrows(SQLException.class,
                () -> jdbc(user, password, db, "ssl", "true", "sslmode", "require").close());
        assertEquals(sqlState, e.getSQLState(), e.toString());
        ServerErrorMessage m = assertInstanceOf(PSQLException.class, e).getServerErrorMessage();
        assertNotNull(m, "no ErrorResponse from the server: " + e);
        assertEquals("FATAL", m.getSeverity(), e.toString());
        assertEquals(message, m.getMessage(), e.toString());
    }

    // ------------------------------------------------------------------ node-postgres

    @Test
    void node_postgres_logs_in_with_scram_sha_256() throws Exception {
        Command.Result r = node("scramuser", "scram pass", null);
        assertEquals(0, r.code(), r.toString());
        assertEquals("row {\"user\":\"scramuser\",\"ssl\":false}\n", r.stdout(), r.toString());
    }

    @Test
    void node_postgres_logs_in_with_scram_sha_256_plus_over_verified_tls() throws Exception {
        Command.Result r = node("scramuser", "scram pass", certs.resolve("ca.crt"));
        assertEquals(0, r.code(), r.toString());
        assertEquals("row {\"user\":\"scramuser\",\"ssl\":true}\n", r.stdout(), r.toString());
    }

    @Test
    void node_postgres_gets_28P01_for_a_wrong_password() throws Exception {
        Command.Result r = node("scramuser", "wrong", null);
        assertEquals(1, r.code(), r.toString());
        assertEquals("error 28P01 password authentication failed for user \"scramuser\"\n", r.stdout(), r.toString());
    }

    // ------------------------------------------------------------------ cert (hostssl … cert)

    @Test
    void psql_with_a_client_certificate_logs_in_on_a_cert_line() throws Exception {
        assumeMethodBundle("org.pgkernel.auth-cert");
        Command.Result r = psql(byName("certuser", verifyFull() + " sslcert=" + certs.resolve("certuser.crt")
                + " sslkey=" + certs.resolve("certuser.key")), null, SSL_ROW);
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.stdout().startsWith("certuser|t|TLSv1.") && r.stdout().endsWith("|/CN=certuser\n"), r.toString());
    }

    @Test
    void psql_without_a_client_certificate_is_refused_on_a_cert_line() throws Exception {
        assumeMethodBundle("org.pgkernel.auth-cert");
        Command.Result r = psql(byName("certuser", verifyFull()), null, "SELECT 1");
        assertEquals(2, r.code(), r.toString());
        assertEquals(connectionFailed("FATAL:  connection requires a valid client certificate"), r.stderr(), r.toString());
    }

    @Test
    void psql_with_the_certificate_of_another_cn_is_refused_on_a_cert_line() throws Exception {
        assumeMethodBundle("org.pgkernel.auth-cert");
        Command.Result r = psql(byName("certuser", verifyFull() + " sslcert=" + certs.resolve("otheruser.crt")
                + " sslkey=" + certs.resolve("otheruser.key")), null, "SELECT 1");
        assertEquals(2, r.code(), r.toString());
        assertEquals(connectionFailed("FATAL:  certificate authentication failed for user \"certuser\""), r.stderr(), r.toString());
    }

    /**
     * user, password, client certificate (CN), and null or the FATAL message: cert with map=
     * (plain and regular expression) and clientname=DN, and clientcert=verify-full/verify-ca on
     * password lines, as PostgreSQL 15 answers each.
     */
    static Stream<Arguments> certificateLogins() {
        return Stream.of(
                Arguments.of("mappeduser", null, "otheruser", null),
                Arguments.of("mappeduser", null, "certuser", "certificate authentication failed for user \"mappeduser\""),
                Arguments.of("otherrole", null, "otheruser", null),
                Arguments.of("otherrole", null, "certuser", "certificate authentication failed for user \"otherrole\""),
                Arguments.of("dnuser", null, "certuser", null),
                Arguments.of("dnuser", null, "otheruser", "certificate authentication failed for user \"dnuser\""),
                // clientcert=verify-full on a scram-sha-256 line: password first, then the CN
                Arguments.of("cfuser", "cf pass", "cfuser", null),
                Arguments.of("cfuser", "cf pass", null, "connection requires a valid client certificate"),
                Arguments.of("cfuser", "cf pass", "otheruser", "password authentication failed for user \"cfuser\""),
                Arguments.of("cfuser", "wrong", "cfuser", "password authentication failed for user \"cfuser\""),
                // clientcert=verify-ca on an md5 line: any certificate of the CA
                Arguments.of("causer", "ca pass", "otheruser", null),
                Arguments.of("causer", "ca pass", null, "connection requires a valid client certificate"));
    }

    @ParameterizedTest(name = "{0} with certificate {2}")
    @MethodSource("certificateLogins")
    void psql_with_client_certificates_is_let_in_or_refused_as_postgresql_does(String user, String password, String cert,
            String fatal) throws Exception {
        if (!user.equals("cfuser") && !user.equals("causer")) assumeMethodBundle("org.pgkernel.auth-cert");
        String options = verifyFull() + (cert == null ? ""
                : " sslcert=" + certs.resolve(cert + ".crt") + " sslkey=" + certs.resolve(cert + ".key"));
        Command.Result r = psql(byName(user, options), password, "SELECT current_user");
        if (fatal == null) {
            assertEquals(0, r.code(), r.toString());
            assertEquals(user + "\n", r.stdout(), r.toString());
        } else {
            assertEquals(2, r.code(), r.toString());
            assertEquals(connectionFailed("FATAL:  " + fatal), r.stderr(), r.toString());
        }
    }

    @Test
    void pgjdbc_gets_28000_without_a_client_certificate_on_a_cert_line() {
        assumeMethodBundle("org.pgkernel.auth-cert");
        SQLException e = assertThrows(SQLException.class, () -> jdbc("certuser", null, "postgres", "ssl", "true",
                "sslmode", "verify-full", "sslrootcert", certs.resolve("ca.crt").toString(),
                "sslcert", certs.resolve("none.crt").toString()).close());
        assertEquals("28000", e.getSQLState(), e.toString());
    }

    // ------------------------------------------------------------------ peer (local … peer)

    @Test
    void psql_over_the_unix_socket_logs_in_as_the_os_user_with_peer() throws Exception {
        assumeMethodBundle("org.pgkernel.auth-peer");
        Command.Result r = psql(local(OS_USER), null, "SELECT current_user");
        assertEquals(0, r.code(), r.toString());
        assertEquals(OS_USER + "\n", r.stdout(), r.toString());
    }

    @Test
    void peer_with_a_map_lets_the_os_user_log_in_as_the_role_pg_ident_names() throws Exception {
        assumeMethodBundle("org.pgkernel.auth-peer");
        Command.Result r = psql(local("alice"), null, "SELECT current_user");
        assertEquals(0, r.code(), r.toString());
        assertEquals("alice\n", r.stdout(), r.toString());
    }

    @Test
    void peer_refuses_a_role_that_is_not_the_os_user() throws Exception {
        assumeMethodBundle("org.pgkernel.auth-peer");
        Command.Result r = psql(local("scramuser"), null, "SELECT 1");
        assertEquals(2, r.code(), r.toString());
        assertEquals("psql: error: connection to server on socket \"" + srv.socketDir.resolve(".s.PGSQL." + srv.port)
                + "\" failed: FATAL:  Peer authentication failed for user \"scramuser\"\n", r.stderr(), r.toString());
    }

    // ------------------------------------------------------------------ the SCRAM exchange, message by message

    private static final String NONCE = "rOprNGfwEbeRWgbNEkqO";

    /**
     * label, TLS, mechanism, client-first-message, and the ErrorResponse PostgreSQL 15.18 sends
     * (SQLSTATE, message, detail) or nulls where it goes on with its server-first-message.
     */
    static Stream<Arguments> clientFirstMessages() {
        return Stream.of(
                Arguments.of("flag y over TLS (downgrade)", true, "SCRAM-SHA-256", "y,,n=,r=" + NONCE, "28000",
                        "SCRAM channel binding negotiation error",
                        "The client supports SCRAM channel binding but thinks the server does not.  However, this server does support channel binding."),
                Arguments.of("flag y without TLS", false, "SCRAM-SHA-256", "y,,n=,r=" + NONCE, null, null, null),
                Arguments.of("binding data with SCRAM-SHA-256", true, "SCRAM-SHA-256", "p=tls-server-end-point,,n=,r=" + NONCE,
                        "08P01", "malformed SCRAM message",
                        "The client selected SCRAM-SHA-256 without channel binding, but the SCRAM message includes channel binding data."),
                Arguments.of("SCRAM-SHA-256-PLUS without TLS", false, "SCRAM-SHA-256-PLUS", "p=tls-server-end-point,,n=,r=" + NONCE,
                        "08P01", "client selected an invalid SASL authentication mechanism", null),
                Arguments.of("unknown flag", false, "SCRAM-SHA-256", "x,,n=,r=" + NONCE, "08P01", "malformed SCRAM message",
                        "Unexpected channel-binding flag \"'x'\"."),
                Arguments.of("authorization identity", false, "SCRAM-SHA-256", "n,a=bob,n=,r=" + NONCE, "0A000",
                        "client uses authorization identity, but it is not supported", null),
                Arguments.of("mandatory extension", false, "SCRAM-SHA-256", "n,,m=ext,n=,r=" + NONCE, "0A000",
                        "client requires an unsupported SCRAM extension", null),
                Arguments.of("user name in the message (ignored)", false, "SCRAM-SHA-256", "n,,n=bob,r=" + NONCE, null, null, null),
                Arguments.of("empty nonce", false, "SCRAM-SHA-256", "n,,n=,r=", null, null, null),
                Arguments.of("attribute without a value", false, "SCRAM-SHA-256", "n,,n=,r=" + NONCE + ",c", "08P01",
                        "malformed SCRAM message", "Expected character \"=\" for attribute \"c\"."));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clientFirstMessages")
    void a_scram_client_first_message_gets_postgresqls_answer(String label, boolean tls, String mechanism, String clientFirst,
            String sqlState, String message, String detail) throws Exception {
        try (WireClient c = tls ? WireClient.connectTls(srv.port, caCertificate) : WireClient.connect(srv.port)) {
            c.startup("scramuser", "postgres");
            WireClient.Message sasl = c.read();
            assertEquals(10, sasl.authCode(), "AuthenticationSASL");
            assertEquals(tls ? "SCRAM-SHA-256-PLUS\0SCRAM-SHA-256\0\0" : "SCRAM-SHA-256\0\0",
                    new String(sasl.authData(), StandardCharsets.US_ASCII), "mechanisms offered");
            c.saslInitialResponse(mechanism, clientFirst);
            assertAnswer(c.read(), 11, sqlState, message, detail);
        }
    }

    /**
     * label, TLS, the client-final-message ({nonce}: the server's nonce, {proof}: a well-formed
     * but wrong proof), and PostgreSQL 15.18's ErrorResponse. Over TLS the first message chose
     * SCRAM-SHA-256-PLUS with tls-server-end-point.
     */
    static Stream<Arguments> clientFinalMessages() {
        return Stream.of(
                Arguments.of("wrong proof", false, "c=biws,r={nonce},p={proof}", "28P01",
                        "password authentication failed for user \"scramuser\"", null),
                Arguments.of("nonce not the server's", false, "c=biws,r={nonce}X,p={proof}", "08P01", "invalid SCRAM response",
                        "Nonce does not match."),
                Arguments.of("binding flag y after n", false, "c=eSws,r={nonce},p={proof}", "08P01",
                        "unexpected SCRAM channel-binding attribute in client-final-message", null),
                Arguments.of("not a SCRAM message", false, "hello", "08P01", "malformed SCRAM message",
                        "Expected attribute \"c\" but found \"'h'\"."),
                Arguments.of("no proof", false, "c=biws,r={nonce}", "08P01", "malformed SCRAM message",
                        "Attribute expected, but found end of string."),
                Arguments.of("proof too short", false, "c=biws,r={nonce},p=AAAA", "08P01", "malformed SCRAM message",
                        "Malformed proof in client-final-message."),
                Arguments.of("binding data of another certificate", true,
                        "c=" + Base64.getEncoder().encodeToString(concat("p=tls-server-end-point,,", new byte[32]))
                                + ",r={nonce},p={proof}", "28000", "SCRAM channel binding check failed", null),
                Arguments.of("no binding data after choosing PLUS", true, "c=biws,r={nonce},p={proof}", "28000",
                        "SCRAM channel binding check failed", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clientFinalMessages")
    void a_scram_client_final_message_gets_postgresqls_answer(String label, boolean tls, String clientFinal,
            String sqlState, String message, String detail) throws Exception {
        try (WireClient c = tls ? WireClient.connectTls(srv.port, caCertificate) : WireClient.connect(srv.port)) {
            c.startup("scramuser", "postgres");
            assertEquals(10, c.read().authCode(), "AuthenticationSASL");
            if (tls) c.saslInitialResponse("SCRAM-SHA-256-PLUS", "p=tls-server-end-point,,n=,r=" + NONCE);
            else c.saslInitialResponse("SCRAM-SHA-256", "n,,n=,r=" + NONCE);
            WireClient.Message serverFirst = c.read();
            assertEquals(11, serverFirst.authCode(), "AuthenticationSASLContinue");
            String sf = new String(serverFirst.authData(), StandardCharsets.US_ASCII);
            String nonce = sf.substring(2, sf.indexOf(','));
            assertTrue(nonce.startsWith(NONCE) && nonce.length() > NONCE.length(), sf);
            c.saslResponse(clientFinal.replace("{nonce}", nonce)
                    .replace("{proof}", Base64.getEncoder().encodeToString(new byte[32])));
            assertAnswer(c.read(), -1, sqlState, message, detail);
        }
    }

    /** An empty password (libpq never sends one; other clients may): refused before any check, as PostgreSQL does. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"pwuser, 3", "md5user, 5"})
    void an_empty_password_is_refused_as_empty(String user, int request) throws Exception {
        try (WireClient c = WireClient.connect(srv.port)) {
            c.startup(user, "postgres");
            assertEquals(request, c.read().authCode(), "authentication request");
            c.send('p', new byte[] {0});
            assertAnswer(c.read(), -1, "28P01", "empty password returned by client", null);
        }
    }

    /** Either the expected continuation (AuthenticationSASLContinue) or the FATAL with its fields. */
    private static void assertAnswer(WireClient.Message m, int continuation, String sqlState, String message, String detail) {
        if (sqlState == null) {
            assertEquals(continuation, m.authCode(), "the exchange goes on: " + m);
            return;
        }
        assertEquals('E', m.type(), "expected an ErrorResponse, got " + m);
        Map<Character, String> f = m.errorFields();
        Map<Character, String> expected = new LinkedHashMap<>();
        expected.put('S', "FATAL");
        expected.put('V', "FATAL");
        expected.put('C', sqlState);
        expected.put('M', message);
        if (detail != null) expected.put('D', detail);
        Map<Character, String> seen = new LinkedHashMap<>(f);
        seen.keySet().retainAll(Set.of('S', 'V', 'C', 'M', 'D'));
        assertEquals(expected, seen, "ErrorResponse fields (all: " + f + ")");
    }

    private static byte[] concat(String head, byte[] tail) {
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] r = Arrays.copyOf(h, h.length + tail.length);
        System.arraycopy(tail, 0, r, h.length, tail.length);
        return r;
    }

    // ------------------------------------------------------------------ secrets stay out of the log

    @Test
    void no_password_or_verifier_reaches_the_server_log() throws Exception {
        String secret = "log canary " + System.nanoTime();
        int before = srv.log().length();
        Command.Result wrong = psql(tcp("pwuser", "sslmode=disable"), secret, "SELECT 1"); // cleartext on the wire
        assertEquals(2, wrong.code(), wrong.toString());
        Command.Result md5 = psql(tcp("md5user", "sslmode=disable"), secret, "SELECT 1");
        assertEquals(2, md5.code(), md5.toString());
        Await.until("both refusals in the server log", Duration.ofSeconds(10), () -> {
            String after = srv.log().substring(before);
            return after.contains("password authentication failed for user \"pwuser\"")
                    && after.contains("password authentication failed for user \"md5user\"");
        });
        List<String> verifiers = new ArrayList<>();
        try (Connection c = jdbc("postgres", SUPERUSER_PASSWORD, "postgres", "sslmode", "disable");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT rolpassword FROM pg_authid WHERE rolpassword IS NOT NULL")) {
            while (rs.next()) verifiers.add(rs.getString(1));
        }
        assertTrue(verifiers.size() >= 6, verifiers.toString());
        String log = srv.log();
        List<String> secrets = new ArrayList<>(List.of(secret, SUPERUSER_PASSWORD, "scram pass", "md5 pass", "md5scram pass", "pw pass",
                "expired pass", "nologin pass"));
        for (String v : verifiers) {
            secrets.add(v);
            // the SCRAM secret's parts: salt, StoredKey, ServerKey
            if (v.startsWith("SCRAM-SHA-256$")) secrets.addAll(List.of(v.split("[$:]")).subList(2, 5));
        }
        for (String s : secrets) assertFalse(log.contains(s), "the server log contains the secret \"" + s + "\"");
    }

    // ------------------------------------------------------------------ helpers

    private static String tcp(String user, String options) {
        return "host=127.0.0.1 port=" + srv.port + " dbname=postgres user=" + user + " " + options;
    }

    /** By host name (checked against the certificate's DNS name), connecting to 127.0.0.1. */
    private static String byName(String user, String options) {
        return "host=localhost hostaddr=127.0.0.1 port=" + srv.port + " dbname=postgres user=" + user + " " + options;
    }

    private static String local(String user) {
        return "host=" + srv.socketDir + " port=" + srv.port + " dbname=postgres user=" + user;
    }

    private static String verifyFull() { return "sslmode=verify-full sslrootcert=" + certs.resolve("ca.crt"); }

    /** What psql 15 prints on stderr when it cannot connect to 127.0.0.1 (also with hostaddr=127.0.0.1). */
    private static String connectionFailed(String why) {
        return "psql: error: connection to server at \"127.0.0.1\", port " + srv.port + " failed: " + why + "\n";
    }

    /** psql -X -At -w with a conninfo string; PGPASSWORD when {@code password} is not null. */
    private static Command.Result psql(String conninfo, String password, String sql) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/env", "HOME=" + home));
        if (password != null) cmd.add("PGPASSWORD=" + password);
        cmd.addAll(List.of(ClientTools.psql().toString(), "-X", "-At", "-w", conninfo, "-c", sql));
        return Command.run(CLIENT_TIMEOUT, cmd);
    }

    private static Connection jdbc(String user, String password, String db, String... kv) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        if (password != null) p.setProperty("password", password);
        p.setProperty("connectTimeout", "10");
        p.setProperty("socketTimeout", "30");
        for (int i = 0; i < kv.length; i += 2) p.setProperty(kv[i], kv[i + 1]);
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + srv.port + "/" + db, p);
    }

    private static List<String> row(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            List<String> r = new ArrayList<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) r.add(rs.getString(i));
            return r;
        }
    }

    /** node-postgres (test resource node/login.js): SCRAM login, over verified TLS with channel binding when {@code ca} is set. */
    private static Command.Result node(String user, String password, Path ca) throws Exception {
        Optional<Path> node = onPath("node");
        Assumptions.assumeTrue(node.isPresent(), "node is not on PATH: node-postgres tests skipped");
        Assumptions.assumeTrue(Files.isDirectory(Path.of(NODE_MODULES, "pg")),
                "node-postgres is not installed in " + NODE_MODULES + " (../shared/conformance/run.sh installs it)");
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/env", "NODE_PATH=" + NODE_MODULES, node.get().toString(),
                script("node/login.js").toString(), "127.0.0.1", Integer.toString(srv.port), user, password, "postgres"));
        if (ca != null) cmd.add(ca.toString());
        return Command.run(CLIENT_TIMEOUT, cmd);
    }

    private static Path script(String resource) throws URISyntaxException {
        var url = AuthTlsIT.class.getClassLoader().getResource(resource);
        assertNotNull(url, "test resource " + resource);
        return Path.of(url.toURI());
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) return Optional.empty();
        for (String d : path.split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) return Optional.of(Path.of(d, name));
        }
        return Optional.empty();
    }

    /**
     * Skips the test while the distribution's bundles/ has no bundle of that symbolic name: the
     * cert and peer bundles are being written; these tests run as soon as they are assembled.
     */
    private static void assumeMethodBundle(String symbolicName) {
        Assumptions.assumeTrue(distributionHasBundle(symbolicName),
                symbolicName + " is not in " + Server.DIST.resolve("bundles") + " yet");
    }

    static boolean distributionHasBundle(String symbolicName) {
        try (Stream<Path> jars = Files.list(Server.DIST.resolve("bundles"))) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                try (JarFile f = new JarFile(jar.toFile())) {
                    String bsn = f.getManifest() == null ? null : f.getManifest().getMainAttributes().getValue("Bundle-SymbolicName");
                    if (bsn != null && bsn.split(";")[0].trim().equals(symbolicName)) return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
