package org.pgkernel.backend.internal;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pgkernel.catalog.api.Database;
import org.pgkernel.catalog.api.Role;
import org.pgkernel.catalog.api.SharedCatalog;
import org.pgkernel.hba.api.ConnectionRequest;
import org.pgkernel.hba.api.HbaMatch;
import org.pgkernel.hba.api.HbaService;
import org.pgkernel.kernel.api.BackendStatus;
import org.pgkernel.kernel.api.ErrorSeverity;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.Postmaster;
import org.pgkernel.kernel.api.ServerProcess;
import org.pgkernel.kernel.api.SqlState;
import org.pgkernel.kernel.spi.AuthenticationMethod;
import org.pgkernel.kernel.spi.guc.GucSession;
import org.pgkernel.logging.LogContext;
import org.pgkernel.logging.ServerLog;
import org.pgkernel.sql.api.SessionEnvironment;
import org.pgkernel.sql.api.SqlEngine;
import org.pgkernel.sql.api.SqlSession;
import org.pgkernel.wire.api.ErrorFields;
import org.pgkernel.wire.api.FrontendConnection;
import org.pgkernel.wire.api.FrontendMessage;
import org.pgkernel.wire.api.MessageWriter;
import org.pgkernel.wire.api.StartupPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client backend: startup (protocol version, user, database, hba, authentication,
 * settings), then PostgreSQL's message loop (cf. postgres.c PostgresMain()).
 *
 * <p>Error recovery, as PostgresMain's sigsetjmp block: an ERROR is reported to the client,
 * the SQL session has already aborted its transaction, and in the extended protocol every
 * message up to the next Sync is skipped. FATAL is reported and ends the process. A
 * StackOverflowError in the session's own work is ERROR 54001, an OutOfMemoryError ERROR
 * 53200: one client never brings the server down.
 *
 * <p>Waiting: the backend waits on its process latch, which the network thread sets when a
 * message arrives, the peer closes or the socket becomes writable again, and which signals
 * set; the loop resets the latch before it looks for work (latch.h's rule).
 *
 * <p>Notifications (cf. async.c ProcessNotifyInterrupt()): the kernel's notification queue
 * signals a listener with SIGUSR1. The backend remembers it and has the session deliver
 * NotificationResponses when no transaction is open: before ReadyForQuery, and at once (with a
 * flush) while it waits for the client's next message. Inside a transaction the interrupt
 * stays pending until the transaction has ended.
 */
final class PostgresMain {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresMain.class);
    private static final int FLUSH_THRESHOLD = 64 * 1024;

    private final Postmaster postmaster;
    private final SharedCatalog catalog;
    private final SqlEngine engine;
    private final HbaService hba;
    private final Map<String, AuthenticationMethod> methods;
    private final FrontendConnection conn;
    private final StartupPacket packet;
    private final ServerProcess self;
    private final MessageWriter out;
    /** Where NotificationResponses go; one for the whole session. */
    private final WireSink notifySink;

    private GucSession settings;
    private SqlSession session;
    private BackendStatus status;
    private String user;
    private String database;
    private int databaseOid;
    /** notifyInterruptPending: SIGUSR1 came from the notification queue and was not acted on yet. */
    private boolean notifyInterruptPending;
    private boolean ignoreTillSync;
    private boolean doingExtended;
    private String applicationName = "";
    private final Instant sessionStart = Instant.now();

    PostgresMain(Postmaster postmaster, SharedCatalog catalog, SqlEngine engine, HbaService hba,
                 Map<String, AuthenticationMethod> methods, FrontendConnection conn, StartupPacket packet, ServerProcess self) {
        this.postmaster = postmaster;
        this.catalog = catalog;
        this.engine = engine;
        this.hba = hba;
        this.methods = methods;
        this.conn = conn;
        this.packet = packet;
        this.self = self;
        this.out = conn.writer();
        this.notifySink = new WireSink(out, conn, self);
    }

    void run() {
        conn.setWakeup(self.latch());
        try {
            startup();
            messageLoop();
        } catch (PgException e) {
            if (e.severity() != ErrorSeverity.ERROR) {
                // also when the peer has shut its side: a half-closed client still reads the FATAL
                sendError(e.severity() == ErrorSeverity.WARNING ? e : e.withSeverity(ErrorSeverity.FATAL));
            }
            logSessionError(e);
            if (e.severity() == ErrorSeverity.PANIC) throw e;
        } finally {
            if (session != null) {
                try {
                    session.end();
                } catch (RuntimeException ignored) {
                    // the process is going away; nothing left to roll back into
                }
            }
            conn.close();
        }
    }

    /** The client closed the connection during authentication: end without a word in the log. */
    private static final PgException CLIENT_GONE = PgException.fatal(SqlState.CONNECTION_FAILURE,
            "client closed the connection during authentication");

    private void logSessionError(PgException e) {
        if (e == CLIENT_GONE) return;
        SqlState s = e.sqlState();
        if (s == SqlState.CRASH_SHUTDOWN || s == SqlState.ADMIN_SHUTDOWN && e.severity() == ErrorSeverity.FATAL
                && e.getMessage().contains("immediate")) {
            return;
        }
        LOG.error(org.pgkernel.logging.ServerLog.FATAL, "{}", e.getMessage());
    }

    // ------------------------------------------------------------------ startup

    private void startup() {
        LogContext lc = ServerLog.context();
        SocketAddress remote = conn.remoteAddress();
        String host = conn.isUnixSocket() ? "[local]" : hostOf(remote);
        lc.remoteHost = host;
        if (!conn.isUnixSocket() && remote instanceof InetSocketAddress isa) lc.remotePort = Integer.toString(isa.getPort());

        if (packet.major() != 3) {
            throw PgException.fatal(SqlState.FEATURE_NOT_SUPPORTED,
                    "unsupported frontend protocol %d.%d: server supports 3.0 to 3.0", packet.major(), packet.minor());
        }
        Map<String, String> params = new LinkedHashMap<>(packet.parameters());
        List<String> unrecognized = new ArrayList<>();
        for (var it = params.keySet().iterator(); it.hasNext(); ) {
            String k = it.next();
            if (k.startsWith("_pq_.")) {
                unrecognized.add(k);
                it.remove();
            }
        }
        user = params.remove("user");
        if (user == null || user.isEmpty()) {
            throw PgException.fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, "no PostgreSQL user name specified in startup packet");
        }
        database = params.remove("database");
        if (database == null || database.isEmpty()) database = user;
        String replication = params.remove("replication");
        if (packet.minor() > 0 || !unrecognized.isEmpty()) {
            out.negotiateProtocolVersion(0, unrecognized);
        }
        self.setTitle("postgres: " + user + " " + database + " " + host + " authentication");

        status = postmaster.initProcess(self, true);
        if (conn.isSsl()) {
            // pg_stat_ssl (pgstat_bestart()); shown once the session is reported
            var tls = conn.tlsSession();
            status.reportSsl(tls.version(), tls.cipher(), tls.bits(), tls.clientDn(), tls.clientSerial(), tls.issuerDn());
        }

        ConnectionRequest req = conn.isUnixSocket()
                ? ConnectionRequest.local(database, user)
                : ConnectionRequest.tcp(((InetSocketAddress) remote).getAddress(), database, user);
        req = req.withSsl(conn.isSsl()).withReplication(replication != null && !replication.equalsIgnoreCase("false")
                && !replication.equals("0") && !replication.equalsIgnoreCase("off")).withRoles(catalog::isMemberOf);
        HbaMatch match = hba.match(req);
        authenticate(match, host);

        Role role = checkRole();
        Database db = checkDatabase(role);

        Map<String, String> sessionParams = new LinkedHashMap<>(params);
        sessionParams.put("session_authorization", user);
        settings = postmaster.settings().newSession(sessionParams, role.superuser());
        applicationName = settings.show("application_name");
        applyClientEncoding();

        databaseOid = db.oid();
        int port = remote instanceof InetSocketAddress isa ? isa.getPort() : -1;
        status.reportSession(db.oid(), database, role.oid(), user, conn.isUnixSocket() ? "" : hostOf(remote), port, applicationName);
        lc.session = true;
        lc.userName = user;
        lc.databaseName = database;
        lc.applicationName = applicationName;

        session = engine.openSession(new Environment());

        out.authenticationOk();
        for (Map.Entry<String, String> e : settings.reportedValues()) out.parameterStatus(e.getKey(), e.getValue());
        settings.takeReportChanges();
        out.backendKeyData(self.pid(), self.cancelKey());
        self.setTitle("postgres: " + user + " " + database + " " + host + " idle");
    }

    /**
     * cf. InitializeSessionUserId(): the role must exist, may log in, and (unless a superuser)
     * stay within its connection limit. Asked after authentication, as PostgreSQL asks.
     */
    private Role checkRole() {
        Role role = catalog.role(user).orElseThrow(() -> PgException.fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                "role \"%s\" does not exist", user));
        if (!role.login()) {
            throw PgException.fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, "role \"%s\" is not permitted to log in", user);
        }
        if (role.connLimit() >= 0 && !role.superuser()
                && countOthers(a -> a.usesysid() == role.oid()) + 1 > role.connLimit()) {
            throw PgException.fatal(SqlState.TOO_MANY_CONNECTIONS, "too many connections for role \"%s\"", user);
        }
        return role;
    }

    /** cf. InitPostgres() and CheckMyDatabase(): the database must exist, accept connections and have room. */
    private Database checkDatabase(Role role) {
        Database db = catalog.database(database).orElseThrow(() -> PgException.fatal(SqlState.INVALID_CATALOG_NAME,
                "database \"%s\" does not exist", database));
        if (!db.allowConnections()) {
            throw PgException.fatal(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE,
                    "database \"%s\" is not currently accepting connections", database);
        }
        if (db.connLimit() >= 0 && !role.superuser() && countOthers(a -> a.datid() == db.oid()) + 1 > db.connLimit()) {
            throw PgException.fatal(SqlState.TOO_MANY_CONNECTIONS, "too many connections for database \"%s\"", database);
        }
        return db;
    }

    /** How many other client backends the process array shows matching {@code which}. */
    private int countOthers(java.util.function.Predicate<org.pgkernel.kernel.api.Activity> which) {
        int n = 0;
        for (org.pgkernel.kernel.api.Activity a : postmaster.activity()) {
            if (a.pid() != self.pid() && "client backend".equals(a.backendType()) && which.test(a)) n++;
        }
        return n;
    }

    /**
     * cf. ClientAuthentication(): clientcert= is judged before the method runs (a valid client
     * certificate must be there), and clientcert=verify-full once more after it succeeded (the
     * certificate's CN, or DN with clientname=DN, must be the user or map to it; the cert method
     * makes that check itself).
     */
    private void authenticate(HbaMatch match, String host) {
        String method = match.method();
        String clientcert = match.option("clientcert");
        if (clientcert != null) requireClientCertificate();
        switch (method) {
            case "trust" -> { }
            case "reject" -> throw PgException.fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "pg_hba.conf rejects connection for host \"%s\", user \"%s\", database \"%s\", %s",
                    host, user, database, conn.isSsl() ? "SSL encryption" : "no encryption");
            default -> {
                AuthenticationMethod m = methods.get(method);
                if (m == null) {
                    throw PgException.fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                            "authentication method \"%s\" is not available: its bundle is not installed or not started", method);
                }
                try {
                    m.authenticate(new Exchange(), match.options());
                } catch (PgException e) {
                    throw e == CLIENT_GONE ? e : e.withSeverity(ErrorSeverity.FATAL);
                } catch (Exception e) {
                    throw new PgException(ErrorSeverity.FATAL, SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                            "authentication failed for user \"" + user + "\"", null, null, 0, null, e);
                }
            }
        }
        if ("verify-full".equals(clientcert) && !method.equals("cert") && !certificateNameMatches(match)) {
            throw authFailed(method, user);
        }
    }

    /** The first check of ClientAuthentication() for a line with clientcert=verify-ca or verify-full. */
    private void requireClientCertificate() {
        if (conn.isSsl() && conn.tlsSession().clientCertificate() != null) return; // verified in the handshake
        String caFile = postmaster.settings().value("ssl_ca_file");
        if (caFile == null || caFile.isEmpty()) {
            throw PgException.fatal(SqlState.CONFIG_FILE_ERROR,
                    "client certificates can only be checked if a root certificate store is available");
        }
        throw PgException.fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, "connection requires a valid client certificate");
    }

    /**
     * clientcert=verify-full on a method other than cert (cf. CheckCertAuth()): the verified
     * certificate's CN, or its RFC 2253 DN with clientname=DN, must be the user, or map to it
     * through the line's pg_ident.conf map. Failures are logged, not told to the client.
     */
    private boolean certificateNameMatches(HbaMatch match) {
        boolean dn = "DN".equals(match.option("clientname"));
        String name = dn ? conn.tlsSession().peerDn() : conn.tlsSession().peerCn();
        if (name == null || name.isEmpty()) {
            LOG.info("certificate authentication failed for user \"{}\": client certificate contains no user name", user);
            return false;
        }
        if (hba.identMatches(match.option("map"), name, user, catalog::isMemberOf, false)) return true;
        LOG.info("certificate validation (clientcert=verify-full) failed for user \"{}\": {} mismatch", user, dn ? "DN" : "CN");
        return false;
    }

    /**
     * cf. auth_failed(): what the client is told when the line's method, or a check that follows
     * it, failed; 28P01 for the password methods, 28000 for the others.
     */
    static PgException authFailed(String method, String user) {
        String what = switch (method) {
            case "trust" -> "\"trust\" authentication";
            case "ident" -> "Ident authentication";
            case "peer" -> "Peer authentication";
            case "password", "md5", "scram-sha-256" -> "password authentication";
            case "gss" -> "GSSAPI authentication";
            case "sspi" -> "SSPI authentication";
            case "pam" -> "PAM authentication";
            case "bsd" -> "BSD authentication";
            case "ldap" -> "LDAP authentication";
            case "cert" -> "certificate authentication";
            case "radius" -> "RADIUS authentication";
            default -> null;
        };
        if (what == null) {
            return PgException.fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "authentication failed for user \"%s\": invalid authentication method", user);
        }
        return PgException.fatal(what.startsWith("password") ? SqlState.INVALID_PASSWORD : SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                "%s failed for user \"%s\"", what, user);
    }

    /** The backend's side of an authentication method's exchange. */
    private final class Exchange implements AuthenticationMethod.AuthExchange {
        @Override public String userName() { return user; }
        @Override public String databaseName() { return database; }
        @Override public boolean isSsl() { return conn.isSsl(); }
        @Override public byte[] serverCertificate() { return conn.isSsl() ? conn.tlsSession().serverCertificate() : null; }
        @Override public String clientCertificateDn() { return conn.isSsl() ? conn.tlsSession().peerDn() : null; }
        @Override public String clientCertificateCn() { return conn.isSsl() ? conn.tlsSession().peerCn() : null; }
        @Override public String peerUserName() { return conn.isUnixSocket() ? conn.peerUserName() : null; }

        @Override
        public void sendRequest(int code, byte[] payload) {
            switch (code) {
                case 3 -> out.authenticationCleartextPassword();
                case 5 -> out.authenticationMD5Password(payload);
                case 11 -> out.authenticationSASLContinue(payload);
                case 12 -> out.authenticationSASLFinal(payload);
                case 10 -> out.authenticationSASL(List.of(new String(payload, StandardCharsets.UTF_8).split("\0")));
                default -> throw new IllegalArgumentException("authentication request " + code);
            }
            conn.flush();
        }

        @Override
        public byte[] receiveResponse() {
            FrontendMessage m = nextMessage(false);
            if (m instanceof FrontendMessage.PasswordMessage p) return p.body();
            // the client hung up instead of answering (psql does, to prompt for a password):
            // PostgreSQL's STATUS_EOF, a silent exit
            if (m == null) throw CLIENT_GONE;
            throw PgException.fatal(SqlState.PROTOCOL_VIOLATION, "expected password response, got message type %d", typeOf(m));
        }
    }

    // ------------------------------------------------------------------ the message loop

    private void messageLoop() {
        for (;;) {
            try {
                readyIfIdle();
                FrontendMessage m = nextMessage(true);
                if (m == null) return; // EOF: the client went away
                dispatch(m);
                if (m instanceof FrontendMessage.Terminate) return;
            } catch (PgException e) {
                if (e.severity() != ErrorSeverity.ERROR) throw e;
                logError(e);
                sendError(e);
                if (doingExtended) ignoreTillSync = true;
            } catch (StackOverflowError e) {
                reportInternal(new PgException(ErrorSeverity.ERROR, SqlState.STATEMENT_TOO_COMPLEX, "stack depth limit exceeded",
                        null, "Increase the configuration parameter \"max_stack_depth\" (currently 2048kB), after ensuring the platform's stack depth limit is adequate.",
                        0, null, null));
            } catch (OutOfMemoryError e) {
                reportInternal(new PgException(SqlState.OUT_OF_MEMORY, "out of memory"));
            } catch (RuntimeException e) {
                // a bug detected by the JVM (what elog(ERROR) is for "can't happen" cases): the
                // statement fails with XX000 and the session is rebuilt; the server and the other
                // sessions go on. Errors other than the two above still end the process, and the
                // postmaster treats that as a crash.
                LOG.error("internal error while processing a client message", e);
                reportInternal(PgException.error(SqlState.INTERNAL_ERROR, "internal error: %s", e));
            }
        }
    }

    private void reportInternal(PgException e) {
        try {
            session.end();
        } catch (RuntimeException ignored) {
            // abort what we can; the session object is rebuilt below
        }
        session = engine.openSession(new Environment());
        logError(e);
        sendError(e);
        if (doingExtended) ignoreTillSync = true;
    }

    private boolean needReady = true;

    /** Sends ReadyForQuery once per cycle, with the ParameterStatus changes before it. */
    private void readyIfIdle() {
        if (!needReady) return;
        for (Map.Entry<String, String> e : settings.takeReportChanges()) {
            out.parameterStatus(e.getKey(), e.getValue());
            if (e.getKey().equals("application_name")) {
                applicationName = e.getValue();
                ServerLog.context().applicationName = applicationName;
                status.reportApplicationName(applicationName);
            }
            if (e.getKey().equals("client_encoding")) applyClientEncoding();
        }
        // notifications that arrived during the transaction reach the client before ReadyForQuery
        processNotifyInterrupt();
        char tx = session.transactionStatus();
        status.reportActivity(tx == 'I' ? "idle" : tx == 'T' ? "idle in transaction" : "idle in transaction (aborted)", null);
        status.reportTransactionStart(tx != 'I');
        // cleared only now: an error while delivering notifications is followed by ReadyForQuery too
        needReady = false;
        out.readyForQuery(tx);
        conn.flush();
    }

    /**
     * Waits for the next message; null at EOF. While idle it acts on SIGHUP (reload) and
     * SIGTERM (57P01), ignores a cancel that arrives between queries, and enforces
     * idle_in_transaction_session_timeout and idle_session_timeout.
     */
    private FrontendMessage nextMessage(boolean idle) {
        long idleStart = System.nanoTime();
        for (;;) {
            self.latch().reset();
            FrontendMessage m = conn.poll();
            if (m != null) return m;
            if (!conn.isOpen()) return null;
            if (idle) {
                if (self.takeReloadRequest()) settings.reloadFromServer();
                self.clearCancel();
                if (session != null) processNotifyInterrupt();
            }
            conn.flush();
            self.checkForInterrupts();
            long timeoutMs = -1;
            if (idle && settings != null) {
                char tx = session == null ? 'I' : session.transactionStatus();
                long limit = tx != 'I' ? settings.getInt("idle_in_transaction_session_timeout") : settings.getInt("idle_session_timeout");
                if (limit > 0) {
                    long waited = (System.nanoTime() - idleStart) / 1_000_000;
                    if (waited >= limit) {
                        if (tx != 'I') {
                            throw PgException.fatal(SqlState.IDLE_IN_TRANSACTION_SESSION_TIMEOUT, "terminating connection due to idle-in-transaction timeout");
                        }
                        throw PgException.fatal(SqlState.IDLE_SESSION_TIMEOUT, "terminating connection due to idle-session timeout");
                    }
                    timeoutMs = limit - waited;
                }
            }
            self.latch().await(timeoutMs);
        }
    }

    /**
     * cf. ProcessNotifyInterrupt(): takes a SIGUSR1 from the notification queue and, when no
     * transaction is open, has the session write the NotificationResponses; otherwise the
     * interrupt stays pending.
     */
    private void processNotifyInterrupt() {
        if (self.takeUsr1()) notifyInterruptPending = true;
        if (!notifyInterruptPending) return;
        // a cancel between queries has nothing to cancel; a slow client may make the sink wait
        self.holdCancelInterrupts();
        try {
            if (session.processNotifyInterrupt(notifySink)) notifyInterruptPending = false;
        } finally {
            self.resumeCancelInterrupts();
        }
    }

    private void dispatch(FrontendMessage m) {
        if (m instanceof FrontendMessage.ProtocolViolation v) {
            if (v.fatal()) {
                if (v.message().startsWith("invalid message length")) {
                    // PostgreSQL only logs this one and closes: the framing is lost, nothing is sent
                    conn.close();
                }
                throw PgException.fatal(SqlState.PROTOCOL_VIOLATION, v.message());
            }
            if (v.message().startsWith("invalid byte sequence")) {
                throw PgException.error(SqlState.CHARACTER_NOT_IN_REPERTOIRE, v.message());
            }
            throw PgException.error(SqlState.PROTOCOL_VIOLATION, v.message());
        }
        if (ignoreTillSync && !(m instanceof FrontendMessage.Sync) && !(m instanceof FrontendMessage.Terminate)) {
            return;
        }
        WireSink sink = new WireSink(out, conn, self);
        switch (m) {
            case FrontendMessage.Query q -> {
                doingExtended = false;
                beginCommand(q.sql());
                try {
                    session.simpleQuery(q.sql(), sink);
                } finally {
                    needReady = true;
                }
            }
            case FrontendMessage.Parse p -> {
                doingExtended = true;
                beginCommand(p.query());
                session.parse(p.statementName(), p.query(), p.parameterTypes());
                out.parseComplete();
            }
            case FrontendMessage.Bind b -> {
                doingExtended = true;
                session.bind(b.portalName(), b.statementName(), b.parameterFormats(), b.parameterValues(), b.resultFormats());
                out.bindComplete();
            }
            case FrontendMessage.Describe d -> {
                doingExtended = true;
                if (d.kind() == 'S') {
                    session.describeStatement(d.name(), sink);
                } else if (d.kind() == 'P') {
                    session.describePortal(d.name(), sink);
                } else {
                    throw PgException.error(SqlState.PROTOCOL_VIOLATION, "invalid DESCRIBE message subtype %d", (int) d.kind());
                }
            }
            case FrontendMessage.Execute e -> {
                doingExtended = true;
                status.reportActivity("active", null);
                session.execute(e.portalName(), e.maxRows(), sink);
            }
            case FrontendMessage.Close c -> {
                doingExtended = true;
                if (c.kind() != 'S' && c.kind() != 'P') {
                    throw PgException.error(SqlState.PROTOCOL_VIOLATION, "invalid CLOSE message subtype %d", (int) c.kind());
                }
                session.close(c.kind(), c.name());
                out.closeComplete();
            }
            case FrontendMessage.Sync s -> {
                ignoreTillSync = false;
                doingExtended = false;
                try {
                    session.sync();
                } finally {
                    needReady = true;
                }
            }
            case FrontendMessage.Flush f -> conn.flush();
            case FrontendMessage.Terminate t -> { }
            case FrontendMessage.CopyData c -> { } // COPY comes with tables; stray CopyData is ignored as PostgreSQL does
            case FrontendMessage.CopyDone c -> { }
            case FrontendMessage.CopyFail c -> { }
            case FrontendMessage.FunctionCall f -> {
                needReady = true;
                throw PgException.error(SqlState.FEATURE_NOT_SUPPORTED, "fastpath function calls are not supported");
            }
            case FrontendMessage.PasswordMessage p -> throw PgException.fatal(SqlState.PROTOCOL_VIOLATION,
                    "unexpected password message");
            case FrontendMessage.ProtocolViolation v -> { }
        }
    }

    /** The text of the statement being run (debug_query_string), for the STATEMENT line of a logged error. */
    private String currentQuery;

    /**
     * An ERROR goes to the server log too, as elog.c's EmitErrorReport() sends it, with its
     * DETAIL and HINT, then "STATEMENT:  …" when log_min_error_statement lets it through.
     */
    private void logError(PgException e) {
        if (!LOG.isErrorEnabled()) return; // log_min_messages above error
        ServerLog.write(org.pgkernel.logging.Severity.ERROR, e.getMessage(), null);
        if (e.detail() != null) ServerLog.writeExtra("DETAIL", e.detail());
        if (e.hint() != null) ServerLog.writeExtra("HINT", e.hint());
        String q = currentQuery;
        if (q != null && settings != null && org.pgkernel.logging.Severity.ERROR.compareTo(
                org.pgkernel.logging.Severity.ofSetting(settings.show("log_min_error_statement"))) >= 0) {
            // no password reaches the log (DESIGN §8): CREATE/ALTER ROLE … PASSWORD '…' is masked
            ServerLog.writeExtra("STATEMENT", org.pgkernel.sql.api.SqlText.redactPasswords(q).replace("\n", "\n\t")); // append_with_tabs()
        }
    }

    private void beginCommand(String query) {
        currentQuery = query;
        status.reportActivity("active", query);
        ServerLog.context().commandTag = null;
    }

    private void applyClientEncoding() {
        conn.setClientEncoding(org.pgkernel.kernel.api.Encodings.charset(settings.show("client_encoding")));
    }

    private void sendError(PgException e) {
        out.errorResponse(fields(e));
        if (e.severity() != ErrorSeverity.ERROR) conn.flush();
    }

    static ErrorFields fields(PgException e) {
        String sev = e.severity().wireName();
        return new ErrorFields(sev, sev, e.sqlState().code(), e.getMessage(), e.detail(), e.hint(), e.position(), e.context());
    }

    private static String hostOf(SocketAddress a) {
        if (a instanceof InetSocketAddress isa) {
            String h = isa.getAddress() != null ? isa.getAddress().getHostAddress() : isa.getHostString();
            int pct = h.indexOf('%');
            return pct >= 0 ? h.substring(0, pct) : h;
        }
        return "[local]";
    }

    private static int typeOf(FrontendMessage m) {
        return switch (m) {
            case FrontendMessage.Query q -> 'Q';
            case FrontendMessage.Parse p -> 'P';
            case FrontendMessage.Bind b -> 'B';
            case FrontendMessage.Describe d -> 'D';
            case FrontendMessage.Execute e -> 'E';
            case FrontendMessage.Close c -> 'C';
            case FrontendMessage.Sync s -> 'S';
            case FrontendMessage.Flush f -> 'H';
            case FrontendMessage.Terminate t -> 'X';
            case FrontendMessage.CopyData c -> 'd';
            case FrontendMessage.CopyDone c -> 'c';
            case FrontendMessage.CopyFail c -> 'f';
            case FrontendMessage.FunctionCall f -> 'F';
            case FrontendMessage.PasswordMessage p -> 'p';
            case FrontendMessage.ProtocolViolation v -> 0;
        };
    }

    /** What the SQL session sees of this backend. */
    private final class Environment implements SessionEnvironment {
        @Override public Postmaster postmaster() { return postmaster; }
        @Override public ServerProcess process() { return self; }
        @Override public GucSession settings() { return settings; }
        @Override public String userName() { return user; }
        @Override public String databaseName() { return database; }
        @Override public int databaseOid() { return databaseOid; }
        @Override public Instant sessionStart() { return sessionStart; }
        @Override public SharedCatalog catalog() { return catalog; }

        @Override
        public List<org.pgkernel.hba.api.HbaRuleRow> hbaFileRules() {
            return hba.rules(m -> methods.containsKey(m));
        }

        @Override
        public String serverAddress() {
            return conn.isUnixSocket() ? null : hostOf(conn.localAddress());
        }

        @Override
        public Integer serverPort() {
            return conn.localAddress() instanceof InetSocketAddress isa && !conn.isUnixSocket() ? isa.getPort() : null;
        }
    }

    static final int FLUSH_AT = FLUSH_THRESHOLD;
}
