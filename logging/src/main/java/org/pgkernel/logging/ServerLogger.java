package org.pgkernel.logging;

import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * One SLF4J logger; all of them write through {@link ServerLog}. Levels map to PostgreSQL's:
 * trace = DEBUG2, debug = DEBUG1, info = LOG, warn = WARNING, error = ERROR; a marker named
 * FATAL or PANIC (see {@link ServerLog#FATAL}, {@link ServerLog#PANIC}) raises an error to that
 * severity.
 */
final class ServerLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;
    private static final ConcurrentHashMap<String, ServerLogger> LOGGERS = new ConcurrentHashMap<>();

    private ServerLogger(String name) { this.name = name; }

    static ServerLogger forName(String name) { return LOGGERS.computeIfAbsent(name, ServerLogger::new); }

    @Override public boolean isTraceEnabled() { return ServerLog.enabled(Severity.DEBUG2); }
    @Override public boolean isDebugEnabled() { return ServerLog.enabled(Severity.DEBUG1); }
    @Override public boolean isInfoEnabled() { return ServerLog.enabled(Severity.LOG); }
    @Override public boolean isWarnEnabled() { return ServerLog.enabled(Severity.WARNING); }
    @Override public boolean isErrorEnabled() { return ServerLog.enabled(Severity.ERROR); }

    @Override protected String getFullyQualifiedCallerName() { return null; }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args, Throwable t) {
        Severity s = switch (level) {
            case TRACE -> Severity.DEBUG2;
            case DEBUG -> Severity.DEBUG1;
            case INFO -> Severity.LOG;
            case WARN -> Severity.WARNING;
            case ERROR -> Severity.ERROR;
        };
        if (marker != null) {
            if (marker.contains(ServerLog.PANIC)) s = Severity.PANIC;
            else if (marker.contains(ServerLog.FATAL)) s = Severity.FATAL;
        }
        if (!ServerLog.enabled(s)) return;
        String msg = MessageFormatter.basicArrayFormat(pattern, args);
        ServerLog.write(s, msg, t);
    }
}
