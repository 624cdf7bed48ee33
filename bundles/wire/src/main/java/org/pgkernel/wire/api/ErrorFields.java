package org.pgkernel.wire.api;

import java.util.Objects;
import org.pgkernel.kernel.api.PgException;

/**
 * The fields of an ErrorResponse ('E') or NoticeResponse ('N') that pgkernel sends, written
 * in the order S, V, C, M, D, H, P, W; a null string (or a position of 0) is left out. The
 * source-location fields F, L and R are never sent: they would name Java code.
 *
 * @param severity  the S field, localized (e.g. "ERROR", "FATAL", "NOTICE"); must not be null
 * @param severityV the V field, never localized; null to leave it out
 * @param sqlState  the C field, five characters (e.g. "08P01"); must not be null
 * @param message   the M field, the primary message; must not be null
 * @param detail    the D field or null
 * @param hint      the H field or null
 * @param position  the P field, a 1-based character index into the query string, 0 for none
 * @param where     the W field (context lines) or null
 */
public record ErrorFields(String severity, String severityV, String sqlState, String message, String detail,
                          String hint, int position, String where) {
    public ErrorFields {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(sqlState, "sqlState");
        Objects.requireNonNull(message, "message");
    }

    /** The fields of a kernel error report; severity and V both carry the untranslated severity name. */
    public static ErrorFields of(PgException e) {
        String s = e.severity().wireName();
        return new ErrorFields(s, s, e.sqlState().code(), String.valueOf(e.getMessage()), e.detail(), e.hint(),
                e.position(), e.context());
    }
}
