package org.pgkernel.sql.internal.session;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.pgkernel.kernel.api.CancelReason;
import org.pgkernel.kernel.api.ErrorSeverity;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.ServerProcess;
import org.pgkernel.kernel.api.SqlState;
import org.pgkernel.kernel.spi.guc.GucSession;
import org.pgkernel.kernel.spi.guc.SettingRow;
import org.pgkernel.sql.api.ColumnDescriptor;
import org.pgkernel.sql.api.ResponseSink;
import org.pgkernel.sql.api.SessionEnvironment;
import org.pgkernel.sql.api.SqlSession;
import org.pgkernel.sql.internal.analyze.Analyzed;
import org.pgkernel.sql.internal.analyze.Analyzer;
import org.pgkernel.sql.internal.commands.CatalogCommands;
import org.pgkernel.sql.internal.exec.ExecContext;
import org.pgkernel.sql.internal.exec.PlanNode;
import org.pgkernel.sql.internal.exec.Planner;
import org.pgkernel.sql.internal.func.Functions;
import org.pgkernel.sql.internal.lex.Lexer;
import org.pgkernel.sql.internal.lex.Token;
import org.pgkernel.sql.internal.lex.TokenKind;
import org.pgkernel.sql.internal.parse.Ast;
import org.pgkernel.sql.internal.parse.Parser;
import org.pgkernel.sql.internal.types.FormatSettings;
import org.pgkernel.sql.internal.types.PgType;
import org.pgkernel.sql.internal.types.TypeIO;

/**
 * One backend's SQL session: postgres.c's exec_simple_query() and exec_parse/bind/
 * describe/execute_message(), over xact.c's transaction block states
 * ({@link TransactionState}).
 *
 * <p>Why transactions are tracked here although there is no storage yet: settings are
 * transactional (a SET in a rolled-back block is undone, SET LOCAL ends at commit), now()
 * is fixed per transaction, and clients watch the ReadyForQuery status. Every transaction
 * boundary calls {@link GucSession#beginTransaction()}/{@code commitTransaction()}/
 * {@code abortTransaction()} exactly once.
 *
 * <p>NOTES: errors abort the current transaction before they are rethrown (an explicit
 * block becomes FAILED, an implicit one ends). statement_timeout is armed for each
 * statement on the engine's shared scheduler, which only calls
 * {@link ServerProcess#requestCancel}; the cancel surfaces at the next interrupt check.
 */
public final class Session implements SqlSession {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Session.class);

    /** Settings whose values are lists (GUC_LIST_INPUT); their SET arguments are joined with ", ". */
    private static final java.util.Set<String> LIST_SETTINGS = java.util.Set.of("search_path", "datestyle",
            "temp_tablespaces", "session_preload_libraries", "shared_preload_libraries", "local_preload_libraries",
            "log_destination", "unix_socket_directories", "listen_addresses", "synchronous_standby_names");
    /** List settings whose elements are identifiers, quoted as needed (GUC_LIST_QUOTE). */
    private static final java.util.Set<String> QUOTED_LIST_SETTINGS = java.util.Set.of("search_path",
            "temp_tablespaces", "session_preload_libraries", "shared_preload_libraries", "local_preload_libraries");

    private final SessionEnvironment env;
    private final ScheduledExecutorService timers;
    private final Map<String, Prepared> statements = new HashMap<>();
    private final Map<String, Portal> portals = new HashMap<>();
    private final List<PgException> pendingNotices = new ArrayList<>();
    private final AsyncNotify async;
    private TransactionState state = TransactionState.DEFAULT;
    private Instant transactionStart;
    private FormatSettings format = FormatSettings.DEFAULT;

    public Session(SessionEnvironment env, ScheduledExecutorService timers) {
        this.env = env;
        this.timers = timers;
        this.async = new AsyncNotify(env);
    }

    // ================================================================== transactions

    private GucSession gucs() { return env.settings(); }

    private void startTransactionCommand(boolean implicitBlock) {
        if (state == TransactionState.DEFAULT) {
            gucs().beginTransaction();
            transactionStart = Instant.now().truncatedTo(ChronoUnit.MICROS);
            state = implicitBlock ? TransactionState.IMPLICIT_INPROGRESS : TransactionState.STARTED;
        }
    }

    /**
     * Commits the current transaction. The notifications it sent go into the queue first (cf.
     * PreCommit_Notify()); when they do not fit, the transaction aborts instead and the error
     * (54000) is thrown with the state already back to DEFAULT, as xact.c ends even an explicit
     * block whose COMMIT failed.
     */
    /** This session's transactional view of the shared catalog (made on first use). */
    private TransactionalCatalog catalog;

    private TransactionalCatalog catalog() {
        if (catalog == null) catalog = new TransactionalCatalog(env.catalog());
        return catalog;
    }

    private void commit() {
        try {
            async.preCommit();
        } catch (RuntimeException e) {
            abortTransaction();
            state = TransactionState.DEFAULT;
            throw e;
        }
        closePortals();
        gucs().commitTransaction();
        state = TransactionState.DEFAULT;
        if (catalog != null) catalog.atCommit();
        async.atCommit();
        refreshFormat();
    }

    private void abortTransaction() {
        closePortals();
        gucs().abortTransaction();
        if (catalog != null) catalog.atAbort();
        async.atAbort();
        refreshFormat();
    }

    /** Error recovery (cf. AbortCurrentTransaction()): an explicit block fails, an implicit transaction ends. */
    private void abortOnError() {
        switch (state) {
            case STARTED, IMPLICIT_INPROGRESS -> {
                abortTransaction();
                state = TransactionState.DEFAULT;
            }
            case INPROGRESS -> {
                abortTransaction();
                state = TransactionState.FAILED;
            }
            default -> { }
        }
    }

    private void closePortals() {
        for (Portal p : portals.values()) p.close();
        portals.clear();
    }

    @Override
    public char transactionStatus() {
        return switch (state) {
            case INPROGRESS -> 'T';
            case FAILED -> 'E';
            default -> 'I';
        };
    }

    private static boolean allowedInFailedBlock(Ast.Stmt stmt) {
        return stmt instanceof Ast.TransactionStmt t
                && (t.kind() == Ast.TxKind.COMMIT || t.kind() == Ast.TxKind.ROLLBACK || t.kind() == Ast.TxKind.ROLLBACK_TO
                    || t.kind() == Ast.TxKind.PREPARE);
    }

    private static PgException inFailedTransaction() {
        return PgException.error(SqlState.IN_FAILED_SQL_TRANSACTION,
                "current transaction is aborted, commands ignored until end of transaction block");
    }

    private static PgException warning(SqlState state, String message) {
        return new PgException(ErrorSeverity.WARNING, state, message, null, null, 0, null, null);
    }

    // ================================================================== settings snapshot

    private String setting(String name, String fallback) {
        try {
            String v = gucs().currentSetting(name, true);
            return v == null ? fallback : v;
        } catch (PgException e) {
            return fallback;
        }
    }

    /** The settings' changeCount that format and the lexer flags were derived at. */
    private long formatAt = Long.MIN_VALUE;
    private boolean standardConformingStrings = true, escapeStringWarning = true;

    private void refreshFormat() {
        long now = gucs().changeCount();
        if (now == formatAt) return;
        format = FormatSettings.of(setting("DateStyle", "ISO, MDY"), setting("IntervalStyle", "postgres"),
                setting("TimeZone", "UTC"), setting("extra_float_digits", "1"), setting("bytea_output", "hex"));
        standardConformingStrings = !"off".equalsIgnoreCase(setting("standard_conforming_strings", "on"));
        escapeStringWarning = !"off".equalsIgnoreCase(setting("escape_string_warning", "on"));
        formatAt = now;
    }

    private ExecContext context(Object[] params, Consumer<PgException> notices) {
        return new ExecContext(env, params, format, transactionStart == null ? Instant.now() : transactionStart,
                Instant.now().truncatedTo(ChronoUnit.MICROS), notices, new ExecContext.SessionHooks() {
                    @Override public void settingsChanged() { refreshFormat(); }

                    @Override public FormatSettings currentFormat() { return format; }

                    @Override public void notify(String channel, String payload) { async.notify(channel, payload); }

                    @Override public List<String> listeningChannels() { return async.listeningChannels(); }
                });
    }

    private List<Ast.Stmt> parse(String sql, Consumer<PgException> notices) {
        refreshFormat();
        List<Token> tokens = new Lexer(sql, standardConformingStrings, escapeStringWarning, notices).tokens();
        env.process().checkForInterrupts(); // a long statement text: a cancel that came meanwhile ends it here
        List<Ast.Stmt> stmts = new Parser(sql, tokens).statements();
        env.process().checkForInterrupts();
        return stmts;
    }

    private static int maxParam(String sql) {
        int max = 0;
        try {
            for (Token t : Lexer.lex(sql)) {
                if (t.kind() == TokenKind.PARAM) {
                    try {
                        max = Math.max(max, Integer.parseInt(t.value()));
                    } catch (NumberFormatException e) {
                        // reported by the analyzer as "there is no parameter"
                    }
                }
            }
        } catch (PgException e) {
            return 0;
        }
        return max;
    }

    // ================================================================== statement timeout

    private ScheduledFuture<?> armStatementTimeout() {
        ServerProcess p = env.process();
        if (p == null) return null;
        p.clearCancel();
        long ms;
        try {
            ms = gucs().getInt("statement_timeout");
        } catch (RuntimeException e) {
            ms = 0;
        }
        if (ms <= 0 || timers == null) return null;
        return timers.schedule(() -> p.requestCancel(CancelReason.STATEMENT_TIMEOUT), ms, TimeUnit.MILLISECONDS);
    }

    private static void disarm(ScheduledFuture<?> f) {
        if (f != null) f.cancel(false);
    }

    // ================================================================== simple query

    @Override
    public void simpleQuery(String sql, ResponseSink sink) {
        flushNotices(sink);
        refreshFormat();
        List<Ast.Stmt> stmts;
        try {
            stmts = parse(sql, sink::notice);
        } catch (PgException e) {
            abortOnError();
            throw e;
        }
        if (stmts.isEmpty()) {
            sink.emptyQuery();
            return;
        }
        boolean implicitBlock = stmts.size() > 1;
        // cf. exec_simple_query(): the last statement's transaction is committed before its
        // CommandComplete, so that a failing commit (54000) is an error instead of the tag
        HeldCompletion last = new HeldCompletion(sink);
        try {
            for (int i = 0; i < stmts.size(); i++) {
                Ast.Stmt stmt = stmts.get(i);
                if (state == TransactionState.FAILED && !allowedInFailedBlock(stmt)) throw inFailedTransaction();
                startTransactionCommand(implicitBlock);
                ScheduledFuture<?> timeout = armStatementTimeout();
                try {
                    runStatement(sql, stmt, null, i == stmts.size() - 1 ? last : sink, 0, null);
                } finally {
                    disarm(timeout);
                }
                if (state == TransactionState.STARTED) commit();
            }
            if (state == TransactionState.IMPLICIT_INPROGRESS || state == TransactionState.STARTED) commit();
            last.release();
        } catch (PgException e) {
            abortOnError();
            throw e;
        } catch (StackOverflowError e) {
            abortOnError();
            throw PgException.error(SqlState.STATEMENT_TOO_COMPLEX, "stack depth limit exceeded");
        } catch (RuntimeException e) {
            abortOnError();
            LOG.error("internal error while running \"{}\"", org.pgkernel.sql.api.SqlText.redactPasswords(sql), e);
            throw new PgException(ErrorSeverity.ERROR, SqlState.INTERNAL_ERROR, String.valueOf(e), null, null, 0, null, e);
        }
    }

    /** A sink that holds back CommandComplete until {@link #release()}; everything else goes through. */
    private static final class HeldCompletion implements ResponseSink {
        private final ResponseSink sink;
        private String tag;

        HeldCompletion(ResponseSink sink) { this.sink = sink; }

        void release() {
            if (tag != null) sink.commandComplete(tag);
            tag = null;
        }

        @Override public void commandComplete(String t) { tag = t; }
        @Override public void rowDescription(ColumnDescriptor[] columns) { sink.rowDescription(columns); }
        @Override public void noData() { sink.noData(); }
        @Override public void parameterDescription(int[] typeOids) { sink.parameterDescription(typeOids); }
        @Override public void beginRow(int columns) { sink.beginRow(columns); }
        @Override public void textValue(String value) { sink.textValue(value); }
        @Override public void binaryValue(byte[] value) { sink.binaryValue(value); }
        @Override public void nullValue() { sink.nullValue(); }
        @Override public void endRow() { sink.endRow(); }
        @Override public void emptyQuery() { sink.emptyQuery(); }
        @Override public void portalSuspended() { sink.portalSuspended(); }
        @Override public void notice(PgException notice) { sink.notice(notice); }
        @Override public void notification(int senderPid, String channel, String payload) {
            sink.notification(senderPid, channel, payload);
        }
    }

    /**
     * Runs one statement of a Query message (portal null) or a portal's statement. Returns
     * true when the portal was suspended.
     */
    private boolean runStatement(String sql, Ast.Stmt stmt, Portal portal, ResponseSink sink, int maxRows,
                                 Analyzed preAnalyzed) {
        switch (stmt) {
            case Ast.SelectStmt s -> {
                if (portal != null) return runPortal(portal, sink, maxRows);
                Analyzer analyzer = new Analyzer(sql, new PgType[0], format, transactionStart);
                Analyzed a = analyzer.select(s);
                ExecContext ctx = context(new Object[0], sink::notice);
                PlanNode plan = Planner.fold(a.plan(), ctx);
                sink.rowDescription(describe(a.columns(), null));
                long n = 0;
                try (PlanNode.RowSource src = plan.open(ctx)) {
                    for (Object[] row; (row = src.next()) != null; ) {
                        sendRow(row, a.columns(), null, sink);
                        n++;
                        ctx.checkForInterrupts();
                    }
                }
                sink.commandComplete("SELECT " + n);
                return false;
            }
            case Ast.ShowStmt s -> {
                show(s, sink, portal);
                return false;
            }
            case Ast.SetStmt s -> {
                set(s, sink);
                return false;
            }
            case Ast.TransactionStmt t -> {
                transaction(t, sink);
                return false;
            }
            case Ast.ListenStmt l -> {
                async.listen(l.channel());
                sink.commandComplete("LISTEN");
                return false;
            }
            case Ast.UnlistenStmt u -> {
                if (u.channel() == null) async.unlistenAll();
                else async.unlisten(u.channel());
                sink.commandComplete("UNLISTEN");
                return false;
            }
            case Ast.NotifyStmt n -> {
                async.notify(n.channel(), n.payload());
                sink.commandComplete("NOTIFY");
                return false;
            }
            case Ast.CatalogStmt c -> {
                String tag = new CatalogCommands(env, catalog(), sql, sink::notice, format,
                        transactionStart == null ? Instant.now() : transactionStart, inTransactionBlock()).execute(c);
                sink.commandComplete(tag);
                return false;
            }
            case Ast.DmlStmt d -> throw relationMissing(sql, d.relation());
            case Ast.UnsupportedStmt u -> throw unsupported(sql, u);
        }
    }

    private static PgException relationMissing(String sql, Ast.RangeVar rel) {
        return PgException.error(SqlState.UNDEFINED_TABLE, "relation \"%s\" does not exist", rel.qualifiedName())
                .withPosition(Lexer.position(sql, rel.loc()));
    }

    private static PgException unsupported(String sql, Ast.UnsupportedStmt u) {
        return PgException.error(SqlState.FEATURE_NOT_SUPPORTED, "%s is not supported yet", u.command())
                .withPosition(Lexer.position(sql, u.loc()));
    }

    private static ColumnDescriptor[] describe(List<PlanNode.Column> columns, Portal portal) {
        ColumnDescriptor[] out = new ColumnDescriptor[columns.size()];
        for (int i = 0; i < out.length; i++) {
            PlanNode.Column c = columns.get(i);
            out[i] = new ColumnDescriptor(c.name(), 0, (short) 0, c.type().oid(), c.type().typlen(), -1,
                    portal == null ? 0 : portal.format(i));
        }
        return out;
    }

    private void sendRow(Object[] row, List<PlanNode.Column> columns, Portal portal, ResponseSink sink) {
        sink.beginRow(columns.size());
        for (int i = 0; i < columns.size(); i++) {
            Object v = row[i];
            if (v == null) {
                sink.nullValue();
            } else if (portal != null && portal.format(i) == 1) {
                sink.binaryValue(TypeIO.toBinary(columns.get(i).type(), v, format));
            } else {
                sink.textValue(TypeIO.toText(columns.get(i).type(), v, format));
            }
        }
        sink.endRow();
    }

    // ================================================================== utility statements

    private String canonicalName(String name) {
        try {
            for (SettingRow r : gucs().pgSettings()) {
                if (r.name().equalsIgnoreCase(name)) return r.name();
            }
        } catch (RuntimeException e) {
            // fall through to the name as written
        }
        return name;
    }

    private void show(Ast.ShowStmt s, ResponseSink sink, Portal portal) {
        if (s.name().equals("all")) {
            List<PlanNode.Column> cols = List.of(new PlanNode.Column("name", PgType.TEXT),
                    new PlanNode.Column("setting", PgType.TEXT), new PlanNode.Column("description", PgType.TEXT));
            if (portal == null) sink.rowDescription(describe(cols, null));
            long n = 0;
            for (SettingRow r : gucs().pgSettings()) {
                sendRow(new Object[] {r.name(), gucs().show(r.name()), r.shortDesc()}, cols, portal, sink);
                n++;
            }
            sink.commandComplete("SHOW");
            return;
        }
        String value = gucs().show(s.name());
        List<PlanNode.Column> cols = List.of(new PlanNode.Column(canonicalName(s.name()), PgType.TEXT));
        if (portal == null) sink.rowDescription(describe(cols, null));
        sendRow(new Object[] {value}, cols, portal, sink);
        sink.commandComplete("SHOW");
    }

    private static List<PlanNode.Column> showColumns(Ast.ShowStmt s, String canonical) {
        if (s.name().equals("all")) {
            return List.of(new PlanNode.Column("name", PgType.TEXT), new PlanNode.Column("setting", PgType.TEXT),
                    new PlanNode.Column("description", PgType.TEXT));
        }
        return List.of(new PlanNode.Column(canonical, PgType.TEXT));
    }

    private boolean inTransactionBlock() {
        return state == TransactionState.INPROGRESS || state == TransactionState.FAILED
                || state == TransactionState.IMPLICIT_INPROGRESS;
    }

    private void set(Ast.SetStmt s, ResponseSink sink) {
        String tag = s.kind() == Ast.SetKind.RESET || s.kind() == Ast.SetKind.RESET_ALL ? "RESET" : "SET";
        if (s.local() && !inTransactionBlock()) {
            sink.notice(warning(SqlState.NO_ACTIVE_SQL_TRANSACTION, "SET LOCAL can only be used in transaction blocks"));
        }
        switch (s.kind()) {
            case VALUE -> {
                String lower = s.name().toLowerCase(Locale.ROOT);
                if (s.values().size() > 1 && !LIST_SETTINGS.contains(lower)) {
                    throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "SET %s takes only one argument", s.name());
                }
                StringBuilder b = new StringBuilder();
                for (Ast.Const c : s.values()) {
                    if (!b.isEmpty()) b.append(", ");
                    if (c.kind() == Ast.ConstKind.STRING && QUOTED_LIST_SETTINGS.contains(lower)) {
                        b.append(Functions.quoteIdent(c.value()));
                    } else {
                        b.append(c.value());
                    }
                }
                if (!(s.local() && !inTransactionBlock())) gucs().set(s.name(), b.toString(), s.local());
            }
            case DEFAULT, RESET -> {
                if (!(s.local() && !inTransactionBlock())) gucs().reset(s.name());
            }
            case RESET_ALL -> gucs().resetAll();
            case CURRENT -> {
                String v = gucs().show(s.name());
                gucs().set(s.name(), v, s.local());
            }
            case TRANSACTION -> { }
        }
        refreshFormat();
        sink.commandComplete(tag);
    }

    private void transaction(Ast.TransactionStmt t, ResponseSink sink) {
        switch (t.kind()) {
            case BEGIN, START -> {
                switch (state) {
                    case STARTED, IMPLICIT_INPROGRESS -> state = TransactionState.INPROGRESS;
                    case INPROGRESS, FAILED -> sink.notice(warning(SqlState.ACTIVE_SQL_TRANSACTION,
                            "there is already a transaction in progress"));
                    default -> { }
                }
                sink.commandComplete(t.kind() == Ast.TxKind.BEGIN ? "BEGIN" : "START TRANSACTION");
            }
            case COMMIT -> {
                String tag = "COMMIT";
                switch (state) {
                    case INPROGRESS -> commit();
                    case FAILED -> {
                        closePortals();
                        state = TransactionState.DEFAULT;
                        tag = "ROLLBACK";
                    }
                    default -> {
                        if (t.chain()) {
                            throw PgException.error(SqlState.NO_ACTIVE_SQL_TRANSACTION,
                                    "COMMIT AND CHAIN can only be used in transaction blocks");
                        }
                        sink.notice(warning(SqlState.NO_ACTIVE_SQL_TRANSACTION, "there is no transaction in progress"));
                        commit();
                    }
                }
                if (t.chain()) {
                    startTransactionCommand(false);
                    state = TransactionState.INPROGRESS;
                }
                sink.commandComplete(tag);
            }
            case ROLLBACK -> {
                switch (state) {
                    case INPROGRESS -> {
                        abortTransaction();
                        state = TransactionState.DEFAULT;
                    }
                    case FAILED -> {
                        closePortals();
                        state = TransactionState.DEFAULT;
                    }
                    default -> {
                        if (t.chain()) {
                            throw PgException.error(SqlState.NO_ACTIVE_SQL_TRANSACTION,
                                    "ROLLBACK AND CHAIN can only be used in transaction blocks");
                        }
                        sink.notice(warning(SqlState.NO_ACTIVE_SQL_TRANSACTION, "there is no transaction in progress"));
                        abortTransaction();
                        state = TransactionState.DEFAULT;
                    }
                }
                if (t.chain()) {
                    startTransactionCommand(false);
                    state = TransactionState.INPROGRESS;
                }
                sink.commandComplete("ROLLBACK");
            }
            case SAVEPOINT, RELEASE, ROLLBACK_TO -> {
                String what = switch (t.kind()) {
                    case SAVEPOINT -> "SAVEPOINT";
                    case RELEASE -> "RELEASE SAVEPOINT";
                    default -> "ROLLBACK TO SAVEPOINT";
                };
                if (state != TransactionState.INPROGRESS && state != TransactionState.FAILED) {
                    throw PgException.error(SqlState.NO_ACTIVE_SQL_TRANSACTION, "%s can only be used in transaction blocks", what);
                }
                throw PgException.error(SqlState.FEATURE_NOT_SUPPORTED, "savepoints are not supported yet");
            }
            default -> throw PgException.error(SqlState.FEATURE_NOT_SUPPORTED, "prepared transactions are not supported yet");
        }
    }

    // ================================================================== extended protocol

    private void flushNotices(ResponseSink sink) {
        for (PgException n : pendingNotices) sink.notice(n);
        pendingNotices.clear();
    }

    @Override
    public void parse(String statementName, String sql, int[] parameterTypeOids) {
        try {
            if (!statementName.isEmpty() && statements.containsKey(statementName)) {
                throw PgException.error(SqlState.DUPLICATE_PREPARED_STATEMENT, "prepared statement \"%s\" already exists",
                        statementName);
            }
            refreshFormat();
            List<Ast.Stmt> stmts = parse(sql, pendingNotices::add);
            if (stmts.size() > 1) {
                throw PgException.error(SqlState.SYNTAX_ERROR, "cannot insert multiple commands into a prepared statement");
            }
            Ast.Stmt stmt = stmts.isEmpty() ? null : stmts.get(0);
            if (state == TransactionState.FAILED && (stmt == null || !allowedInFailedBlock(stmt))) {
                throw inFailedTransaction();
            }
            startTransactionCommand(false);
            int declared = parameterTypeOids == null ? 0 : parameterTypeOids.length;
            PgType[] types = new PgType[Math.max(declared, maxParam(sql))];
            for (int i = 0; i < declared; i++) {
                int oid = parameterTypeOids[i];
                if (oid == 0) continue;
                PgType t = PgType.byOid(oid);
                if (t == null) {
                    throw PgException.error(SqlState.UNDEFINED_OBJECT, "type with OID %d does not exist", oid & 0xffffffffL);
                }
                types[i] = t;
            }
            Analyzed analyzed = null;
            if (stmt instanceof Ast.SelectStmt s) {
                Analyzer analyzer = new Analyzer(sql, types, format, transactionStart);
                analyzed = analyzer.select(s);
                analyzer.checkParameters();
                env.process().checkForInterrupts();
            } else if (stmt instanceof Ast.DmlStmt d) {
                throw relationMissing(sql, d.relation());
            } else if (stmt instanceof Ast.UnsupportedStmt u) {
                throw unsupported(sql, u);
            } else if (types.length > 0) {
                new Analyzer(sql, types, format, transactionStart).checkParameters();
            }
            if (!statementName.isEmpty() || statements.containsKey("")) statements.remove(statementName);
            statements.put(statementName, new Prepared(statementName, sql, stmt, types, analyzed));
        } catch (PgException e) {
            abortOnError();
            throw e;
        }
    }

    private Prepared statement(String name) {
        Prepared p = statements.get(name);
        if (p == null) {
            if (name.isEmpty()) throw PgException.error(SqlState.INVALID_SQL_STATEMENT_NAME, "unnamed prepared statement does not exist");
            throw PgException.error(SqlState.INVALID_SQL_STATEMENT_NAME, "prepared statement \"%s\" does not exist", name);
        }
        return p;
    }

    private Portal portal(String name) {
        Portal p = portals.get(name);
        if (p == null) throw PgException.error(SqlState.INVALID_CURSOR_NAME, "portal \"%s\" does not exist", name);
        return p;
    }

    @Override
    public void bind(String portalName, String statementName, short[] parameterFormats, byte[][] parameterValues,
                     short[] resultFormats) {
        try {
            Prepared prep = statement(statementName);
            int supplied = parameterValues == null ? 0 : parameterValues.length;
            if (supplied != prep.paramTypes().length) {
                throw PgException.error(SqlState.PROTOCOL_VIOLATION,
                        "bind message supplies %d parameters, but prepared statement \"%s\" requires %d", supplied,
                        statementName, prep.paramTypes().length);
            }
            int nformats = parameterFormats == null ? 0 : parameterFormats.length;
            if (nformats > 1 && nformats != supplied) {
                throw PgException.error(SqlState.PROTOCOL_VIOLATION,
                        "bind message has %d parameter formats but %d parameters", nformats, supplied);
            }
            if (state == TransactionState.FAILED && (prep.stmt() == null || !allowedInFailedBlock(prep.stmt()))) {
                throw inFailedTransaction();
            }
            if (!portalName.isEmpty() && portals.containsKey(portalName)) {
                throw PgException.error(SqlState.DUPLICATE_CURSOR, "portal \"%s\" already exists", portalName);
            }
            startTransactionCommand(false);
            refreshFormat();
            Object[] params = new Object[supplied];
            for (int i = 0; i < supplied; i++) {
                byte[] raw = parameterValues[i];
                if (raw == null) continue;
                short fmt = nformats == 0 ? 0 : nformats == 1 ? parameterFormats[0] : parameterFormats[i];
                PgType t = prep.paramTypes()[i];
                if (fmt == 1) {
                    params[i] = TypeIO.fromBinary(t, raw, format);
                } else {
                    params[i] = TypeIO.fromText(t, new String(raw, StandardCharsets.UTF_8), format, transactionStart);
                }
            }
            List<PlanNode.Column> cols = prep.columns();
            int nres = resultFormats == null ? 0 : resultFormats.length;
            int ncols = cols == null ? (prep.stmt() instanceof Ast.ShowStmt ? 1 : 0) : cols.size();
            if (nres > 1 && nres != ncols) {
                throw PgException.error(SqlState.PROTOCOL_VIOLATION, "bind message has %d result formats but query has %d columns",
                        nres, ncols);
            }
            PlanNode plan = null;
            if (prep.analyzed() != null) {
                plan = Planner.fold(prep.analyzed().plan(), context(params, pendingNotices::add));
            }
            Portal old = portals.remove(portalName);
            if (old != null) old.close();
            portals.put(portalName, new Portal(portalName, prep, params, resultFormats, plan));
        } catch (PgException e) {
            abortOnError();
            throw e;
        }
    }

    @Override
    public void describeStatement(String statementName, ResponseSink sink) {
        try {
            flushNotices(sink);
            Prepared p = statement(statementName);
            int[] oids = new int[p.paramTypes().length];
            for (int i = 0; i < oids.length; i++) oids[i] = p.paramTypes()[i].oid();
            sink.parameterDescription(oids);
            describeResult(p, null, sink);
        } catch (PgException e) {
            abortOnError();
            throw e;
        }
    }

    private void describeResult(Prepared p, Portal portal, ResponseSink sink) {
        if (p.columns() != null) {
            sink.rowDescription(describe(p.columns(), portal));
        } else if (p.stmt() instanceof Ast.ShowStmt s) {
            sink.rowDescription(describe(showColumns(s, canonicalName(s.name())), portal));
        } else {
            sink.noData();
        }
    }

    @Override
    public void describePortal(String portalName, ResponseSink sink) {
        try {
            flushNotices(sink);
            Portal p = portal(portalName);
            if (state == TransactionState.FAILED) throw inFailedTransaction();
            describeResult(p.prepared, p, sink);
        } catch (PgException e) {
            abortOnError();
            throw e;
        }
    }

    @Override
    public void execute(String portalName, int maxRows, ResponseSink sink) {
        try {
            flushNotices(sink);
            Portal p = portal(portalName);
            Ast.Stmt stmt = p.prepared.stmt();
            if (state == TransactionState.FAILED && (stmt == null || !allowedInFailedBlock(stmt))) {
                throw inFailedTransaction();
            }
            if (stmt == null) {
                sink.emptyQuery();
                return;
            }
            startTransactionCommand(false);
            ScheduledFuture<?> timeout = armStatementTimeout();
            try {
                if (stmt instanceof Ast.SelectStmt) {
                    runPortal(p, sink, maxRows);
                } else {
                    runStatement(p.prepared.sql(), stmt, p, sink, maxRows, null);
                }
            } finally {
                disarm(timeout);
            }
        } catch (PgException e) {
            abortOnError();
            throw e;
        } catch (StackOverflowError e) {
            abortOnError();
            throw PgException.error(SqlState.STATEMENT_TOO_COMPLEX, "stack depth limit exceeded");
        } catch (RuntimeException e) {
            abortOnError();
            LOG.error("internal error in execute", e);
            throw new PgException(ErrorSeverity.ERROR, SqlState.INTERNAL_ERROR, String.valueOf(e), null, null, 0, null, e);
        }
    }

    /** Runs a query portal for up to maxRows rows; true when it was suspended. */
    private boolean runPortal(Portal p, ResponseSink sink, int maxRows) {
        List<PlanNode.Column> cols = p.prepared.columns();
        if (p.done) {
            sink.commandComplete("SELECT 0");
            return false;
        }
        if (p.source == null) {
            p.context = context(p.params, sink::notice);
            p.source = p.plan.open(p.context);
        }
        long n = 0;
        for (;;) {
            if (maxRows > 0 && n >= maxRows) {
                sink.portalSuspended();
                return true;
            }
            Object[] row = p.source.next();
            if (row == null) break;
            sendRow(row, cols, p, sink);
            n++;
            p.context.checkForInterrupts();
        }
        p.close();
        p.done = true;
        sink.commandComplete("SELECT " + n);
        return false;
    }

    @Override
    public void close(char kind, String name) {
        if (kind == 'S') {
            statements.remove(name);
        } else {
            Portal p = portals.remove(name);
            if (p != null) p.close();
        }
    }

    @Override
    public void sync() {
        try {
            if (state == TransactionState.STARTED || state == TransactionState.IMPLICIT_INPROGRESS) commit();
        } catch (PgException e) {
            abortOnError();
            throw e;
        }
    }

    @Override
    public boolean processNotifyInterrupt(ResponseSink sink) {
        if (state != TransactionState.DEFAULT) return false; // not really idle: at the end of the transaction
        async.deliver(sink);
        return true;
    }

    @Override
    public void end() {
        closePortals();
        try {
            async.atSessionEnd();
        } catch (RuntimeException e) {
            LOG.warn("could not stop listening at session end", e);
        }
        if (state != TransactionState.DEFAULT) {
            if (catalog != null) catalog.atAbort(); // a session that ends in a transaction aborts it
            try {
                gucs().abortTransaction();
            } catch (RuntimeException e) {
                LOG.warn("could not abort the transaction at session end", e);
            }
            state = TransactionState.DEFAULT;
        }
        statements.clear();
    }
}
