package org.pgkernel.kernel.api;

import java.util.Objects;

/**
 * An error report as PostgreSQL's ereport() makes it: severity, SQLSTATE, message, and the
 * optional detail, hint, cursor position and context. ERROR aborts the current transaction
 * and the session goes on; FATAL ends the session; PANIC asks the postmaster for a crash
 * restart. Messages follow PostgreSQL's style guide: lowercase primary message without a
 * final period, identifiers in double quotes.
 */
public class PgException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorSeverity severity;
    private final SqlState sqlState;
    private final String detail;
    private final String hint;
    /** 1-based character position in the query string, 0 when none. */
    private final int position;
    private final String context;

    public PgException(ErrorSeverity severity, SqlState sqlState, String message, String detail, String hint,
                       int position, String context, Throwable cause) {
        super(message, cause, false, false);
        this.severity = Objects.requireNonNull(severity);
        this.sqlState = Objects.requireNonNull(sqlState);
        this.detail = detail;
        this.hint = hint;
        this.position = position;
        this.context = context;
    }

    public PgException(SqlState sqlState, String message) {
        this(ErrorSeverity.ERROR, sqlState, message, null, null, 0, null, null);
    }

    /** ERROR with SQLSTATE and a message formatted with {@link String#format}. */
    public static PgException error(SqlState state, String format, Object... args) {
        return new PgException(state, args.length == 0 ? format : String.format(java.util.Locale.ROOT, format, args));
    }

    public static PgException fatal(SqlState state, String format, Object... args) {
        return new PgException(ErrorSeverity.FATAL, state,
                args.length == 0 ? format : String.format(java.util.Locale.ROOT, format, args), null, null, 0, null, null);
    }

    public ErrorSeverity severity() { return severity; }
    public SqlState sqlState() { return sqlState; }
    public String detail() { return detail; }
    public String hint() { return hint; }
    public int position() { return position; }
    public String context() { return context; }

    public PgException withDetail(String d) { return new PgException(severity, sqlState, getMessage(), d, hint, position, context, getCause()); }
    public PgException withHint(String h) { return new PgException(severity, sqlState, getMessage(), detail, h, position, context, getCause()); }
    public PgException withPosition(int p) { return new PgException(severity, sqlState, getMessage(), detail, hint, p, context, getCause()); }
    public PgException withContext(String c) { return new PgException(severity, sqlState, getMessage(), detail, hint, position, c, getCause()); }
    public PgException withSeverity(ErrorSeverity s) { return new PgException(s, sqlState, getMessage(), detail, hint, position, context, getCause()); }
}
