package org.pgkernel.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleRevision;
import org.pgkernel.logging.ServerLog;

/**
 * Issue 4 part 4, in the framework: each authentication method bundle is stopped, started and
 * updated while a steady stream of new pgjdbc connections arrives, and exactly the connections
 * whose pg_hba.conf line needs the missing method fail — FATAL 28000 naming the method, never a
 * fallback to another method and never any other error — while every other connection goes on
 * succeeding and the sessions connected before stay usable. No server restart.
 *
 * <p>The server runs in a Felix framework embedded in this JVM ({@link EmbeddedFramework}),
 * against a data directory made by bin/initdb with --pwfile (the superuser has a SCRAM secret).
 * One client thread per role loops connect, SELECT 1, close, and records each attempt with its
 * start and end time. An outage of a method is the interval from the moment its bundle is asked
 * to stop until its service is registered again; the test waits on conditions (attempts made,
 * services seen), never on the clock, and judges each attempt by where it falls:
 * <ul>
 *   <li>begun after {@code Bundle.stop()} returned (the service is unregistered by then) and
 *       ended before the bundle was asked to start: a role that needs the method must fail with
 *       the 28000 naming it, every other role must succeed;</li>
 *   <li>overlapping the edges of an outage: a role that needs the method may succeed (an exchange
 *       already running finishes) or fail with that same 28000, and nothing else;</li>
 *   <li>outside every outage: must succeed.</li>
 * </ul>
 * The md5 line of a role with a SCRAM secret needs both md5 and scram-sha-256: the md5 method
 * hands such roles to the scram-sha-256 service (PostgreSQL's rule), so with the scram bundle
 * stopped they fail naming scram-sha-256.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuthMethodHotLoadIT {
    private static final String SUPERUSER_PASSWORD = "initdb secret";
    private static final String SCRAM = "org.pgkernel.auth-scram";
    private static final String MD5 = "org.pgkernel.auth-md5";
    private static final String PASSWORD = "org.pgkernel.auth-password";
    private static final String METHOD_SERVICE = "org.pgkernel.kernel.spi.AuthenticationMethod";
    /** Attempts of every role that must lie in each judged interval: more than a lucky one. */
    private static final int ATTEMPTS = 5;
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** pg_hba.conf: one line per method, first match wins; the line numbers are pg_hba_file_rules'. */
    private static final List<String> HBA = List.of(
            "host all postgres  127.0.0.1/32 scram-sha-256",
            "host all scramuser 127.0.0.1/32 scram-sha-256",
            "host all md5user   127.0.0.1/32 md5",
            "host all md5scram  127.0.0.1/32 md5",
            "host all pwuser    127.0.0.1/32 password",
            "host all all       127.0.0.1/32 trust");
    private static final int PASSWORD_LINE = 5;

    /** A role the streams log in as, and the methods its hba line needs. */
    private record Client(String user, String password, Set<String> methods) { }

    private static final List<Client> CLIENTS = List.of(
            new Client("scramuser", "scram pass", Set.of("scram-sha-256")),
            new Client("md5user", "md5 pass", Set.of("md5")),
            new Client("md5scram", "md5scram pass", Set.of("md5", "scram-sha-256")),
            new Client("pwuser", "pw pass", Set.of("password")),
            new Client("trustuser", null, Set.of()));

    private Server srv;
    private FrameworkIT.LogCapture log;
    private EmbeddedFramework embedded;
    private final Map<String, sun.misc.SignalHandler> jvmSignalHandlers = new LinkedHashMap<>();
    private final List<ConnectionStream> streams = new ArrayList<>();
    /** One session per client (and the superuser's), connected before any bundle was touched. */
    private final Map<String, Connection> sessions = new LinkedHashMap<>();
    /** Every outage so far: each test judges all attempts against all of them. */
    private final List<Outage> outages = new ArrayList<>();

    @BeforeAll
    void boot() throws Exception {
        for (String sig : List.of("TERM", "INT", "HUP")) jvmSignalHandlers.put(sig, signalHandler(sig));
        srv = Server.createWithSuperuserPassword(SUPERUSER_PASSWORD, false);
        srv.writeHba(HBA.toArray(String[]::new));
        log = new FrameworkIT.LogCapture(srv.dir.resolve("server.log"));
        ServerLog.redirect(log);
        embedded = EmbeddedFramework.boot(srv.data);
        assertTrue(embedded.startFailures.isEmpty(), "bundles did not start: " + embedded.startFailures);
        for (String bsn : List.of(SCRAM, MD5, PASSWORD)) {
            assertEquals(Bundle.ACTIVE, embedded.bundle(bsn).getState(), bsn + " is not active");
        }

        Connection admin = Await.value("the server in the framework to accept the superuser (SCRAM secret from --pwfile)",
                Duration.ofSeconds(60), () -> Optional.of(connect("postgres", SUPERUSER_PASSWORD)));
        sessions.put("postgres", admin);
        try (Statement s = admin.createStatement()) {
            s.execute("SET password_encryption = 'md5'");
            s.execute("CREATE ROLE md5user LOGIN PASSWORD 'md5 pass'");
            s.execute("SET password_encryption = 'scram-sha-256'");
            s.execute("CREATE ROLE scramuser LOGIN PASSWORD 'scram pass'");
            s.execute("CREATE ROLE md5scram LOGIN PASSWORD 'md5scram pass'");
            s.execute("CREATE ROLE pwuser LOGIN PASSWORD 'pw pass'");
            s.execute("CREATE ROLE trustuser LOGIN");
        }
        for (Client c : CLIENTS) sessions.put(c.user(), connect(c.user(), c.password()));
        for (Client c : CLIENTS) streams.add(ConnectionStream.start(c.user(), () -> connect(c.user(), c.password())));
    }

    @AfterAll
    void shutdown() throws Exception {
        try {
            for (ConnectionStream s : streams) s.stop();
            for (ConnectionStream s : streams) s.join(Duration.ofSeconds(30));
            for (Connection c : sessions.values()) c.close();
        } finally {
            try {
                if (embedded != null && embedded.isRunning()) {
                    embedded.framework.stop();
                    embedded.framework.waitForStop(60_000);
                    // the kernel stops the system bundle on a thread of its own when the postmaster ends
                    Await.until("the kernel's framework-stop thread to end", Duration.ofSeconds(30), () ->
                            Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("framework-stop")));
                }
            } finally {
                jvmSignalHandlers.forEach((sig, h) -> sun.misc.Signal.handle(new sun.misc.Signal(sig), h));
                ServerLog.redirect(new FileOutputStream(FileDescriptor.err));
                if (log != null) log.close();
                // not srv.close(): pg_ctl would signal the pid in postmaster.pid, which is this JVM
                if (srv != null) Server.deleteTree(srv.data.resolve("pg_bundles"));
            }
        }
    }

    @Test
    @Order(1)
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void every_role_logs_in_through_its_method_while_all_method_bundles_run() throws Exception {
        // the roles' verifiers are of the kind the test relies on: md5user's is md5, the others' SCRAM
        try (Statement s = sessions.get("postgres").createStatement();
             ResultSet rs = s.executeQuery("SELECT rolname, rolpassword FROM pg_authid WHERE rolname IN "
                     + "('postgres', 'md5user', 'scramuser', 'md5scram', 'pwuser', 'trustuser') ORDER BY rolname")) {
            Map<String, String> kinds = new LinkedHashMap<>();
            while (rs.next()) {
                String v = rs.getString(2);
                kinds.put(rs.getString(1), v == null ? null : v.startsWith("SCRAM-SHA-256$4096:") ? "scram" : v.startsWith("md5") ? "md5" : v);
            }
            Map<String, String> expected = new LinkedHashMap<>();
            expected.put("md5scram", "scram");
            expected.put("md5user", "md5");
            expected.put("postgres", "scram");
            expected.put("pwuser", "scram");
            expected.put("scramuser", "scram");
            expected.put("trustuser", null);
            assertEquals(expected, kinds);
        }
        long from = System.nanoTime();
        awaitAttempts("every role to log in " + ATTEMPTS + " times", from, CLIENTS);
        judge(from);
        for (ConnectionStream s : streams) {
            assertTrue(s.attempts().stream().filter(a -> a.start() >= from).allMatch(Attempt::ok), s.user + ": " + s.attempts());
        }
    }

    @Test
    @Order(2)
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void stopping_the_scram_bundle_fails_exactly_the_logins_that_need_scram_sha_256() throws Exception {
        long from = System.nanoTime();
        stopAndStart(SCRAM, "scram-sha-256");
        judge(from);
    }

    @Test
    @Order(3)
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void stopping_the_md5_bundle_fails_exactly_the_logins_on_md5_lines() throws Exception {
        long from = System.nanoTime();
        stopAndStart(MD5, "md5");
        judge(from);
    }

    @Test
    @Order(4)
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void stopping_the_password_bundle_fails_exactly_the_logins_on_password_lines() throws Exception {
        long from = System.nanoTime();
        stopAndStart(PASSWORD, "password");
        judge(from);
    }

    /**
     * Bundle.update() from the same jar: the bundle is stopped, its new revision installed and
     * started within the call. Logins that need the method may fail with the 28000 while it
     * runs; after it, everyone logs in again, through the new revision's service.
     */
    @Test
    @Order(5)
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void updating_the_scram_bundle_under_load_swaps_its_code_without_a_restart() throws Exception {
        long from = System.nanoTime();
        Bundle b = embedded.bundle(SCRAM);
        BundleRevision before = b.adapt(BundleRevision.class);
        Long serviceBefore = serviceId("scram-sha-256");
        assertNotNull(serviceBefore, "no scram-sha-256 service before the update");
        String pidBefore = postmasterPid();

        long requested = System.nanoTime();
        b.update();
        Long serviceAfter = Await.value("the updated bundle's scram-sha-256 service", WAIT,
                () -> Optional.ofNullable(serviceId("scram-sha-256")));
        long up = System.nanoTime();
        outages.add(new Outage("scram-sha-256", requested, Long.MIN_VALUE, Long.MIN_VALUE, up));

        assertEquals(Bundle.ACTIVE, b.getState(), "state after update");
        assertNotEquals(before, b.adapt(BundleRevision.class), "update() installed a new revision");
        assertNotEquals(serviceBefore, serviceAfter, "the service is the new revision's");
        awaitAttempts("every role to log in after the update", up, CLIENTS);
        assertSessionsUsable("after the update");
        assertEquals(pidBefore, postmasterPid(), "the postmaster is the same (no restart)");
        judge(from);
    }

    /**
     * "Exchanges already in progress finish": a client that has the server's first SCRAM
     * message when the scram bundle stops completes its exchange (the server's final message
     * proves the secret) and gets a usable session, while a new login needing SCRAM is refused.
     * Driven message by message ({@link WireClient}), so the stop falls exactly mid-exchange.
     */
    @Test
    @Order(6)
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void a_scram_exchange_under_way_when_its_bundle_stops_completes() throws Exception {
        long from = System.nanoTime();
        try (WireClient c = WireClient.connect(srv.port)) {
            c.startup("scramuser", "postgres");
            WireClient.Message sasl = c.read();
            assertEquals(10, sasl.authCode(), "AuthenticationSASL");
            assertEquals("SCRAM-SHA-256\0\0", new String(sasl.authData(), StandardCharsets.US_ASCII),
                    "mechanisms offered without TLS");
            WireClient.Scram scram = new WireClient.Scram("scram pass");
            c.send('p', scram.initialResponse());
            WireClient.Message serverFirst = c.read();
            assertEquals(11, serverFirst.authCode(), "AuthenticationSASLContinue");

            withBundleStopped(SCRAM, "scram-sha-256", down -> {
                SQLException refused = assertThrows(SQLException.class,
                        () -> connect("scramuser", "scram pass").close());
                assertTrue(refusedFor(new Attempt(0, 0, refused.getSQLState(), refused.getMessage()), "scram-sha-256"),
                        "a new SCRAM login while the bundle is stopped: " + refused.getSQLState() + " " + refused.getMessage());
                c.send('p', scram.finalResponse(serverFirst.authData()));
                WireClient.Message serverFinal = c.read();
                assertEquals(12, serverFinal.authCode(), "AuthenticationSASLFinal");
                assertTrue(scram.verifyServerFinal(serverFinal.authData()), "the server's signature");
                assertEquals(0, c.read().authCode(), "AuthenticationOk");
                c.readUntilReady();
                assertEquals("scramuser", c.queryOne("SELECT current_user"));
            });
            assertEquals("1", c.queryOne("SELECT 1"), "the session after the bundle is back");
        }
        judge(from);
    }

    /** The same for md5: the client has the salt when the md5 bundle stops, and its answer is accepted. */
    @Test
    @Order(7)
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void an_md5_exchange_under_way_when_its_bundle_stops_completes() throws Exception {
        long from = System.nanoTime();
        try (WireClient c = WireClient.connect(srv.port)) {
            c.startup("md5user", "postgres");
            WireClient.Message request = c.read();
            assertEquals(5, request.authCode(), "AuthenticationMD5Password");
            byte[] salt = request.authData();
            assertEquals(4, salt.length, "salt length");

            withBundleStopped(MD5, "md5", down -> {
                c.send('p', WireClient.md5Response("md5user", "md5 pass", salt));
                assertEquals(0, c.read().authCode(), "AuthenticationOk");
                c.readUntilReady();
                assertEquals("md5user", c.queryOne("SELECT current_user"));
            });
            assertEquals("1", c.queryOne("SELECT 1"), "the session after the bundle is back");
        }
        judge(from);
    }

    @FunctionalInterface
    interface Body {
        /** @param down System.nanoTime() when Bundle.stop() had returned */
        void run(long down) throws Exception;
    }

    /** Stops the bundle, runs {@code body}, starts the bundle again (also when body fails) and records the outage. */
    private void withBundleStopped(String bsn, String method, Body body) throws Exception {
        Bundle b = embedded.bundle(bsn);
        long requested = System.nanoTime();
        b.stop();
        long down = System.nanoTime();
        long startRequested;
        try {
            assertNull(serviceId(method), "the " + method + " service is unregistered when stop() returns");
            body.run(down);
        } finally {
            startRequested = System.nanoTime();
            b.start();
            Await.until("the " + method + " service to be registered again", WAIT, () -> serviceId(method) != null);
            outages.add(new Outage(method, requested, down, startRequested, System.nanoTime()));
        }
    }

    /**
     * pg_hba_file_rules shows a line whose method no running bundle provides with its error
     * column filled, and without once the bundle is back (issue 4 part 4). The error text is the
     * one HbaService.rules(methodAvailable) documents.
     */
    @Test
    @Order(8)
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void pg_hba_file_rules_shows_the_line_of_a_stopped_method_with_an_error() throws Exception {
        long from = System.nanoTime();
        Connection admin = sessions.get("postgres");
        assertEquals(Optional.empty(), hbaError(admin, PASSWORD_LINE), "error of line " + PASSWORD_LINE + " while password runs");
        List<Optional<String>> error = new ArrayList<>();
        withBundleStopped(PASSWORD, "password", down -> error.add(hbaError(admin, PASSWORD_LINE)));
        assertEquals(Optional.of("invalid authentication method \"password\": not supported by this build"), error.getFirst(),
                "pg_hba_file_rules.error of line " + PASSWORD_LINE + " (" + HBA.get(PASSWORD_LINE - 1) + ") while its bundle is stopped");
        assertEquals(Optional.empty(), hbaError(admin, PASSWORD_LINE), "error of line " + PASSWORD_LINE + " after the restart");
        judge(from);
    }

    /** Every attempt since the streams began, against every outage. */
    @Test
    @Order(9)
    void no_login_failed_outside_an_outage_of_its_method_during_the_whole_run() {
        judge(Long.MIN_VALUE);
    }

    // ------------------------------------------------------------------ the outage of one method

    /**
     * One outage: {@code stopRequested} ≤ {@code down} (Bundle.stop() returned: the service is
     * gone) ≤ {@code startRequested} ≤ {@code up} (its service seen again). An update has no
     * certain down interval: {@code down} = {@code startRequested} = Long.MIN_VALUE.
     */
    private record Outage(String method, long stopRequested, long down, long startRequested, long up) {
        boolean overlaps(Attempt a) { return a.start() <= up && a.end() >= stopRequested; }

        boolean certainlyDown(Attempt a) { return down != Long.MIN_VALUE && a.start() >= down && a.end() <= startRequested; }
    }

    private void stopAndStart(String bsn, String method) throws Exception {
        Bundle b = embedded.bundle(bsn);
        assertNotNull(serviceId(method), "no " + method + " service before the stop");
        String pidBefore = postmasterPid();
        withBundleStopped(bsn, method, down -> {
            assertEquals(Bundle.RESOLVED, b.getState(), bsn + " after stop()");
            // every role tries while the method is away (these attempts have ended before the
            // start is asked for, so judge() sees them as certainly within the outage)
            awaitAttempts("every role to try " + ATTEMPTS + " logins while " + bsn + " is stopped", down, CLIENTS);
            assertSessionsUsable("while " + bsn + " is stopped");
        });
        assertEquals(Bundle.ACTIVE, b.getState(), bsn + " after start()");
        awaitAttempts("every role to log in again after " + bsn + " started", outages.getLast().up(), CLIENTS);
        assertSessionsUsable("after " + bsn + " started again");
        assertEquals(pidBefore, postmasterPid(), "the postmaster is the same (no restart)");
    }

    /**
     * Judges every attempt that began at or after {@code from} against every outage so far; fails
     * with all offending attempts at once.
     */
    private void judge(long from) {
        List<String> wrong = new ArrayList<>();
        for (ConnectionStream s : streams) {
            Client c = CLIENTS.stream().filter(x -> x.user().equals(s.user)).findFirst().orElseThrow();
            for (Attempt a : s.attempts()) {
                if (a.start() < from) continue;
                List<Outage> overlapping = outages.stream().filter(o -> o.overlaps(a) && c.methods().contains(o.method())).toList();
                Optional<Outage> down = overlapping.stream().filter(o -> o.certainlyDown(a)).findFirst();
                if (down.isPresent()) {
                    if (!refusedFor(a, down.get().method())) {
                        wrong.add(s.user + " while " + down.get().method() + " was stopped: expected FATAL 28000 naming it, got " + a);
                    }
                } else if (!a.ok() && overlapping.stream().noneMatch(o -> refusedFor(a, o.method()))) {
                    wrong.add(s.user + (overlapping.isEmpty() ? " with every method it needs running" : " during an outage of "
                            + overlapping.stream().map(Outage::method).toList()) + ": " + a);
                }
            }
        }
        assertTrue(wrong.isEmpty(), wrong.size() + " logins went wrong:\n" + String.join("\n", wrong.subList(0, Math.min(20, wrong.size())))
                + "\noutages: " + outages);
    }

    private static boolean refusedFor(Attempt a, String method) {
        return "28000".equals(a.sqlState()) && a.message() != null
                && a.message().contains("authentication method \"" + method + "\" is not available");
    }

    /** Waits until each client has made {@value #ATTEMPTS} attempts that began at or after {@code startedAfter} and ended. */
    private void awaitAttempts(String what, long startedAfter, List<Client> clients) throws InterruptedException {
        Await.until(what, WAIT, () -> clients.stream().allMatch(c -> stream(c.user()).attempts().stream()
                .filter(a -> a.start() >= startedAfter).count() >= ATTEMPTS));
    }

    private void assertSessionsUsable(String when) throws SQLException {
        for (Map.Entry<String, Connection> e : sessions.entrySet()) {
            try (Statement s = e.getValue().createStatement(); ResultSet rs = s.executeQuery("SELECT current_user")) {
                assertTrue(rs.next());
                assertEquals(e.getKey(), rs.getString(1), "session of " + e.getKey() + " " + when);
            }
        }
    }

    private ConnectionStream stream(String user) {
        return streams.stream().filter(s -> s.user.equals(user)).findFirst().orElseThrow();
    }

    /** The service.id of the registered AuthenticationMethod for {@code method}, or null. */
    private Long serviceId(String method) throws InvalidSyntaxException {
        BundleContext ctx = embedded.framework.getBundleContext();
        ServiceReference<?>[] refs = ctx.getServiceReferences(METHOD_SERVICE, "(pgkernel.auth.method=" + method + ")");
        return refs == null || refs.length == 0 ? null : (Long) refs[0].getProperty(Constants.SERVICE_ID);
    }

    /** Line 1 of postmaster.pid: the same JVM and the same postmaster start time (line 3) mean no restart. */
    private String postmasterPid() throws IOException {
        List<String> lines = Files.readAllLines(srv.data.resolve("postmaster.pid"));
        return lines.get(0) + " started " + lines.get(2);
    }

    /** pg_hba_file_rules.error of one line; empty when null. */
    private static Optional<String> hbaError(Connection c, int line) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT error FROM pg_hba_file_rules WHERE line_number = " + line)) {
            assertTrue(rs.next(), "pg_hba_file_rules has no row for line " + line);
            return Optional.ofNullable(rs.getString(1));
        }
    }

    private Connection connect(String user, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        if (password != null) p.setProperty("password", password);
        p.setProperty("sslmode", "disable");
        p.setProperty("connectTimeout", "10");
        p.setProperty("socketTimeout", "30");
        return DriverManager.getConnection(srv.jdbcUrl(), p);
    }

    private static sun.misc.SignalHandler signalHandler(String name) {
        sun.misc.Signal sig = new sun.misc.Signal(name);
        sun.misc.SignalHandler h = sun.misc.Signal.handle(sig, sun.misc.SignalHandler.SIG_DFL);
        sun.misc.Signal.handle(sig, h);
        return h;
    }

    // ------------------------------------------------------------------ the streams of new connections

    /** One login: its interval (System.nanoTime()) and, when it failed, the SQLSTATE and message. */
    record Attempt(long start, long end, String sqlState, String message) {
        boolean ok() { return sqlState == null && message == null; }

        @Override
        public String toString() { return ok() ? "ok" : sqlState + " " + message; }
    }

    @FunctionalInterface
    interface Login {
        Connection open() throws SQLException;
    }

    /**
     * One client thread: connect, SELECT 1, close, again, until stopped; a short pause between
     * attempts paces the stream (it is not a wait for anything: the test waits on the attempts).
     */
    static final class ConnectionStream {
        private static final long PACE_MS = 5;
        final String user;
        private final Login login;
        private final List<Attempt> attempts = new ArrayList<>();
        private volatile boolean stopping;
        private Thread thread;

        private ConnectionStream(String user, Login login) {
            this.user = user;
            this.login = login;
        }

        static ConnectionStream start(String user, Login login) {
            ConnectionStream s = new ConnectionStream(user, login);
            s.thread = Thread.ofPlatform().daemon().name("it-logins-" + user).start(s::run);
            return s;
        }

        private void run() {
            while (!stopping) {
                long t0 = System.nanoTime();
                Attempt a;
                try (Connection c = login.open(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
                    a = rs.next() && rs.getInt(1) == 1 ? new Attempt(t0, System.nanoTime(), null, null)
                            : new Attempt(t0, System.nanoTime(), "-", "SELECT 1 did not answer 1");
                } catch (SQLException e) {
                    a = new Attempt(t0, System.nanoTime(), String.valueOf(e.getSQLState()), e.getMessage());
                } catch (RuntimeException e) {
                    a = new Attempt(t0, System.nanoTime(), "-", e.toString());
                }
                synchronized (attempts) {
                    attempts.add(a);
                }
                try {
                    Thread.sleep(PACE_MS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        List<Attempt> attempts() {
            synchronized (attempts) {
                return List.copyOf(attempts);
            }
        }

        void stop() { stopping = true; }

        void join(Duration timeout) throws InterruptedException {
            if (!thread.join(timeout)) throw new AssertionError("the login stream of " + user + " did not end");
        }
    }
}
