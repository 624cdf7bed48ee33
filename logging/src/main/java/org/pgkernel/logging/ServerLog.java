package org.pgkernel.logging;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.Locale;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

/**
 * The server log: PostgreSQL's stderr format, one {@code write} per line so lines of
 * concurrent processes never interleave.
 *
 * <p>A line is {@code <log_line_prefix><SEVERITY>:  <message>}. The prefix is expanded per
 * line from the calling thread's {@link LogContext} (the kernel sets one per process), as
 * elog.c's log_line_prefix() does. The settings that shape it (log_line_prefix,
 * log_timezone, log_min_messages) are set by the kernel when the configuration is loaded or
 * reloaded; until then PostgreSQL's defaults apply.
 *
 * <p>Why hand-written rather than Logback or Pax Logging: the format is PostgreSQL's own,
 * with per-process fields, and must work before the OSGi framework starts (initdb, -C); what
 * this needs is a hundred lines, not a logging framework.
 */
public final class ServerLog {
    /** Marker that raises an error-level call to FATAL. */
    public static final Marker FATAL = MarkerFactory.getMarker("FATAL");
    /** Marker that raises an error-level call to PANIC. */
    public static final Marker PANIC = MarkerFactory.getMarker("PANIC");

    private static final ThreadLocal<LogContext> CONTEXT = new ThreadLocal<>();
    private static final LogContext NO_CONTEXT = new LogContext();

    private static volatile String linePrefix = "%m [%p] ";
    private static volatile ZoneId zone = ZoneId.systemDefault();
    private static volatile Severity minSeverity = Severity.WARNING;
    private static volatile OutputStream out = new FileOutputStream(java.io.FileDescriptor.err);
    private static final Object WRITE_LOCK = new Object();

    private static final DateTimeFormatter MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS", Locale.ROOT);
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

    private ServerLog() { }

    /** The calling thread's process context (pid, user, database …); never null. */
    public static LogContext context() {
        LogContext c = CONTEXT.get();
        return c == null ? NO_CONTEXT : c;
    }

    /** Binds a process context to the calling thread (null unbinds). */
    public static void bind(LogContext c) {
        if (c == null) CONTEXT.remove(); else CONTEXT.set(c);
    }

    public static void configure(String prefix, ZoneId timezone, Severity min) {
        linePrefix = prefix;
        zone = timezone;
        minSeverity = min;
    }

    /** Redirects the log (tests; the server itself relies on pg_ctl redirecting stderr). */
    public static void redirect(OutputStream target) { out = target; }

    public static ZoneId zone() { return zone; }

    static boolean enabled(Severity s) { return s.compareTo(minSeverity) >= 0; }

    /** Writes one entry: the message on the first line, a Throwable's trace after it. */
    public static void write(Severity s, String message, Throwable t) {
        StringBuilder sb = new StringBuilder(128);
        Instant now = Instant.now();
        LogContext c = context();
        appendPrefix(sb, c, now);
        int nl = message.indexOf('\n');
        if (nl < 0) {
            sb.append(s.name()).append(":  ").append(message).append('\n');
        } else {
            // "msg\nDETAIL:  …\nHINT:  …": each extra line gets the prefix, as elog.c writes them
            sb.append(s.name()).append(":  ").append(message, 0, nl).append('\n');
            for (String line : message.substring(nl + 1).split("\n")) {
                if (line.matches("[A-Z]+:  .*")) appendPrefix(sb, c, now);
                sb.append(line).append('\n');
            }
        }
        if (t != null) {
            StringWriter w = new StringWriter();
            t.printStackTrace(new PrintWriter(w));
            sb.append(w);
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        synchronized (WRITE_LOCK) {
            try {
                out.write(bytes);
                out.flush();
            } catch (IOException ignored) {
                // nowhere left to report it
            }
        }
    }

    /** Writes a continuation line such as {@code DETAIL:  …} under the previous entry. */
    public static void writeExtra(String label, String text) {
        StringBuilder sb = new StringBuilder(64);
        appendPrefix(sb, context(), Instant.now());
        sb.append(label).append(":  ").append(text).append('\n');
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        synchronized (WRITE_LOCK) {
            try {
                out.write(bytes);
                out.flush();
            } catch (IOException ignored) {
                // nowhere left to report it
            }
        }
    }

    /** Expands log_line_prefix escapes as elog.c does (cf. log_line_prefix()). */
    static void appendPrefix(StringBuilder sb, LogContext c, Instant now) {
        String p = linePrefix;
        int n = p.length();
        for (int i = 0; i < n; i++) {
            char ch = p.charAt(i);
            if (ch != '%' || i + 1 >= n) {
                sb.append(ch);
                continue;
            }
            char e = p.charAt(++i);
            // optional padding like %-10u is accepted and ignored
            while ((e == '-' || Character.isDigit(e)) && i + 1 < n) e = p.charAt(++i);
            switch (e) {
                case 'a' -> { if (c.session) sb.append(nz(c.applicationName)); }
                case 'u' -> { if (c.session) sb.append(nz(c.userName)); }
                case 'd' -> { if (c.session) sb.append(nz(c.databaseName)); }
                case 'b' -> sb.append(nz(c.backendType));
                case 'r' -> { if (c.remoteHost != null) { sb.append(c.remoteHost); if (c.remotePort != null) sb.append('(').append(c.remotePort).append(')'); } }
                case 'h' -> { if (c.remoteHost != null) sb.append(c.remoteHost); }
                case 'p' -> sb.append(c.pid != 0 ? c.pid : ProcessHandle.current().pid());
                case 'P' -> { }
                case 't' -> { ZonedDateTime z = now.atZone(zone); sb.append(SECONDS.format(z)).append(' ').append(zoneAbbrev(z)); }
                case 'm' -> { ZonedDateTime z = now.atZone(zone); sb.append(MILLIS.format(z)).append(' ').append(zoneAbbrev(z)); }
                case 'n' -> sb.append(now.getEpochSecond()).append('.').append(String.format(Locale.ROOT, "%03d", now.getNano() / 1_000_000));
                case 'i' -> { if (c.session) sb.append(nz(c.commandTag)); }
                case 'e' -> sb.append(c.sqlState == null ? "00000" : c.sqlState);
                case 'c' -> sb.append(Long.toHexString(c.startEpochSeconds)).append('.').append(Integer.toHexString(c.pid));
                case 'l' -> sb.append(++c.lineNumber);
                case 's' -> { ZonedDateTime z = Instant.ofEpochSecond(c.startEpochSeconds).atZone(zone); sb.append(SECONDS.format(z)).append(' ').append(zoneAbbrev(z)); }
                case 'v' -> { if (c.session) sb.append(c.backendId).append('/').append(c.localXid); }
                case 'x' -> sb.append(c.xid);
                case 'q' -> { if (!c.session) return; }
                case 'Q' -> sb.append(0);
                case '%' -> sb.append('%');
                default -> { }
            }
        }
    }

    private static String zoneAbbrev(ZonedDateTime z) {
        String id = z.getZone().getId();
        if (id.equals("UTC") || id.equals("Etc/UTC") || id.equals("Z")) return "UTC";
        if (id.equals("GMT") || id.equals("Etc/GMT")) return "GMT";
        return z.getZone().getDisplayName(TextStyle.SHORT, Locale.ROOT).equals(id)
                ? DateTimeFormatter.ofPattern("zzz", Locale.ROOT).format(z)
                : DateTimeFormatter.ofPattern("zzz", Locale.ROOT).format(z);
    }

    private static String nz(String s) { return s == null ? "" : s; }
}
