package org.pgkernel.logging;

/**
 * PostgreSQL's message severities in the order the server log ranks them (cf. elog.h and
 * is_log_level_output(): LOG sits between ERROR and FATAL for the server log).
 */
public enum Severity {
    DEBUG5, DEBUG4, DEBUG3, DEBUG2, DEBUG1, INFO, NOTICE, WARNING, ERROR, LOG, FATAL, PANIC;

    /** The log_min_messages value that lets this severity through, by its setting name. */
    public static Severity ofSetting(String value) {
        return switch (value.toLowerCase(java.util.Locale.ROOT)) {
            case "debug5" -> DEBUG5;
            case "debug4" -> DEBUG4;
            case "debug3" -> DEBUG3;
            case "debug2", "debug" -> DEBUG2;
            case "debug1" -> DEBUG1;
            case "info" -> INFO;
            case "notice" -> NOTICE;
            case "warning" -> WARNING;
            case "error" -> ERROR;
            case "log" -> LOG;
            case "fatal" -> FATAL;
            case "panic" -> PANIC;
            default -> throw new IllegalArgumentException(value);
        };
    }
}
