package org.pgkernel.kernel.api;

/**
 * Severities of messages sent to the client (the S and V fields of ErrorResponse and
 * NoticeResponse), cf. elog.h. {@link #wireName()} is the untranslated V field value.
 */
public enum ErrorSeverity {
    DEBUG, LOG, INFO, NOTICE, WARNING, ERROR, FATAL, PANIC;

    public String wireName() { return name(); }

    /** true for the severities sent as ErrorResponse; the others are NoticeResponse. */
    public boolean isError() { return compareTo(ERROR) >= 0; }
}
