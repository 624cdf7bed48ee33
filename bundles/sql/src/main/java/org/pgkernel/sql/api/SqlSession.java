package org.pgkernel.sql.api;

/**
 * A backend's SQL session: postgres.c's exec_simple_query and exec_parse/bind/describe/
 * execute_message, and xact.c's transaction block states, over one {@link ResponseSink}.
 *
 * <p>Errors: every method throws {@link org.pgkernel.kernel.api.PgException}. For ERROR the
 * session has already aborted the current transaction (status 'E' inside a block, back to
 * 'I' for an implicit one) before it throws; the backend sends the ErrorResponse and, in
 * the extended protocol, skips messages until Sync. FATAL ends the session.
 * In a failed transaction block every statement but ROLLBACK/COMMIT/END/ABORT (and
 * ROLLBACK TO SAVEPOINT) fails with 25P02.
 */
public interface SqlSession {

    /**
     * Runs every statement of a Query message with PostgreSQL's implicit-transaction rules
     * and writes RowDescription/DataRow/CommandComplete/EmptyQueryResponse/notices to the
     * sink (not ReadyForQuery, not ParameterStatus). An empty or comment-only string gives
     * one EmptyQueryResponse. Stops at the first error.
     */
    void simpleQuery(String sql, ResponseSink sink);

    /** Parse: creates (or, for "", replaces) a prepared statement. 42P05 when a named one exists. */
    void parse(String statementName, String sql, int[] parameterTypeOids);

    /**
     * Bind: creates (or for "", replaces) a portal. 26000 unknown statement; 08P01 "bind
     * message supplies N parameters, but prepared statement "x" requires M"; 22P02 bad value.
     * Formats: empty array = all text; one element = applies to all; else one per value.
     */
    void bind(String portalName, String statementName, short[] parameterFormats, byte[][] parameterValues,
              short[] resultFormats);

    /** Describe 'S': ParameterDescription, then RowDescription or NoData. */
    void describeStatement(String statementName, ResponseSink sink);

    /** Describe 'P': RowDescription (with the portal's result formats) or NoData. 34000 unknown portal. */
    void describePortal(String portalName, ResponseSink sink);

    /**
     * Execute: up to {@code maxRows} rows (0 = all), then CommandComplete, or PortalSuspended
     * when rows remain; EmptyQueryResponse for an empty statement.
     */
    void execute(String portalName, int maxRows, ResponseSink sink);

    /** Close 'S' or 'P'; closing one that does not exist is not an error. */
    void close(char kind, String name);

    /** Sync: ends the implicit transaction of the extended-protocol cycle. */
    void sync();

    /** 'I' idle, 'T' in a transaction block, 'E' in a failed transaction block. */
    char transactionStatus();

    /**
     * Delivers the notifications that arrived on the channels this session listens on, in the
     * order they were sent, one {@link ResponseSink#notification} each (cf. async.c
     * ProcessNotifyInterrupt()). The backend calls it when the kernel signalled a notify
     * interrupt ({@code ServerProcess.takeUsr1()}): before ReadyForQuery, and while it waits
     * for a message. Only outside a transaction: while one is open (a block, or an
     * extended-protocol cycle before its Sync) it does nothing and returns false, and the
     * backend keeps the interrupt pending until the transaction has ended. Returns true when
     * it has delivered (possibly nothing).
     */
    boolean processNotifyInterrupt(ResponseSink sink);

    /** The session ends (Terminate or connection loss): abort what is open, release everything. */
    void end();
}
