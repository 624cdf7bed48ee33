package org.pgkernel.sql.internal.func;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.SqlState;
import org.pgkernel.kernel.api.Activity;
import org.pgkernel.kernel.spi.guc.FileSetting;
import org.pgkernel.kernel.spi.guc.SettingRow;
import org.pgkernel.sql.internal.exec.ExecContext;
import org.pgkernel.sql.internal.exec.PlanNode.Column;
import org.pgkernel.sql.internal.types.PgType;

/**
 * The live system views (system_views.sql): pg_stat_activity and pg_stat_ssl from the process array,
 * pg_settings from the session's settings, pg_file_settings from the configuration files.
 * Columns and types are PostgreSQL 15's, in its order, so SELECT * matches.
 */
public final class SystemViews {
    private SystemViews() { }

    /**
     * A view: its columns and rows, and {@code check}, null or a privilege check that runs when
     * the query is planned (before RowDescription), as ExecCheckRTPerms() does at executor start.
     */
    public record View(String name, List<Column> columns, java.util.function.Function<ExecContext, Iterator<Object[]>> rows,
                       java.util.function.Consumer<ExecContext> check) {
        public View(String name, List<Column> columns, java.util.function.Function<ExecContext, Iterator<Object[]>> rows) {
            this(name, columns, rows, null);
        }
    }

    private static Column c(String name, PgType type) { return new Column(name, type); }

    public static View find(String schema, String name) {
        if (schema != null && !schema.equals("pg_catalog")) return null;
        return switch (name) {
            case "pg_stat_activity" -> new View(name, List.of(
                    c("datid", PgType.OID), c("datname", PgType.NAME), c("pid", PgType.INT4), c("leader_pid", PgType.INT4),
                    c("usesysid", PgType.OID), c("usename", PgType.NAME), c("application_name", PgType.TEXT),
                    c("client_addr", PgType.INET), c("client_hostname", PgType.TEXT), c("client_port", PgType.INT4),
                    c("backend_start", PgType.TIMESTAMPTZ), c("xact_start", PgType.TIMESTAMPTZ),
                    c("query_start", PgType.TIMESTAMPTZ), c("state_change", PgType.TIMESTAMPTZ),
                    c("wait_event_type", PgType.TEXT), c("wait_event", PgType.TEXT), c("state", PgType.TEXT),
                    c("backend_xid", PgType.XID), c("backend_xmin", PgType.XID), c("query_id", PgType.INT8),
                    c("query", PgType.TEXT), c("backend_type", PgType.TEXT)), SystemViews::activity);
            case "pg_stat_ssl" -> new View(name, List.of(
                    c("pid", PgType.INT4), c("ssl", PgType.BOOL), c("version", PgType.TEXT), c("cipher", PgType.TEXT),
                    c("bits", PgType.INT4), c("client_dn", PgType.TEXT), c("client_serial", PgType.NUMERIC),
                    c("issuer_dn", PgType.TEXT)), SystemViews::ssl);
            case "pg_settings" -> new View(name, List.of(
                    c("name", PgType.TEXT), c("setting", PgType.TEXT), c("unit", PgType.TEXT), c("category", PgType.TEXT),
                    c("short_desc", PgType.TEXT), c("extra_desc", PgType.TEXT), c("context", PgType.TEXT),
                    c("vartype", PgType.TEXT), c("source", PgType.TEXT), c("min_val", PgType.TEXT),
                    c("max_val", PgType.TEXT), c("enumvals", PgType.TEXT_ARRAY), c("boot_val", PgType.TEXT),
                    c("reset_val", PgType.TEXT), c("sourcefile", PgType.TEXT), c("sourceline", PgType.INT4),
                    c("pending_restart", PgType.BOOL)), SystemViews::settings);
            case "pg_file_settings" -> new View(name, List.of(
                    c("sourcefile", PgType.TEXT), c("sourceline", PgType.INT4), c("seqno", PgType.INT4),
                    c("name", PgType.TEXT), c("setting", PgType.TEXT), c("applied", PgType.BOOL),
                    c("error", PgType.TEXT)), SystemViews::fileSettings);
            case "pg_hba_file_rules" -> new View(name, List.of(
                    c("line_number", PgType.INT4), c("type", PgType.TEXT), c("database", PgType.TEXT_ARRAY),
                    c("user_name", PgType.TEXT_ARRAY), c("address", PgType.TEXT), c("netmask", PgType.TEXT),
                    c("auth_method", PgType.TEXT), c("options", PgType.TEXT_ARRAY), c("error", PgType.TEXT)),
                    ctx -> {
                        HBA_RULES_ACL.accept(ctx);
                        return hbaRules(ctx);
                    }, HBA_RULES_ACL);
            default -> CatalogViews.find(name);
        };
    }

    private static Long oid(int v) { return v == 0 ? null : (long) v & 0xffffffffL; }

    private static Iterator<Object[]> activity(ExecContext ctx) {
        List<Object[]> rows = new ArrayList<>();
        for (Activity a : ctx.env().postmaster().activity()) {
            rows.add(new Object[] {oid(a.datid()), a.datname(), a.pid(), a.leaderPid(), oid(a.usesysid()), a.usename(),
                a.applicationName(), a.clientAddr(), a.clientHostname(), a.clientPort(), a.backendStart(),
                a.xactStart(), a.queryStart(), a.stateChange(), a.waitEventType(), a.waitEvent(), a.state(),
                a.backendXid(), a.backendXmin(), a.queryId(), a.query(), a.backendType()});
        }
        return rows.iterator();
    }

    private static Iterator<Object[]> ssl(ExecContext ctx) {
        List<Object[]> rows = new ArrayList<>();
        for (org.pgkernel.kernel.api.SslStatus s : ctx.env().postmaster().sslStatus()) {
            rows.add(new Object[] {s.pid(), s.ssl(), s.version(), s.cipher(), s.bits(), s.clientDn(),
                s.clientSerial() == null ? null : new java.math.BigDecimal(s.clientSerial()), s.issuerDn()});
        }
        return rows.iterator();
    }

    /** system_views.sql revokes pg_hba_file_rules from PUBLIC: superusers only. */
    private static final java.util.function.Consumer<ExecContext> HBA_RULES_ACL = ctx -> {
        var me = ctx.env().catalog().role(ctx.env().userName()).orElse(null);
        if (me == null || !me.superuser()) {
            throw PgException.error(SqlState.INSUFFICIENT_PRIVILEGE, "permission denied for view pg_hba_file_rules");
        }
    };

    /**
     * pg_hba_file_rules with PostgreSQL 15's columns: every line of pg_hba.conf as the file is
     * now, the error column filled for lines that cannot be used, including a method whose
     * bundle is not installed or not started.
     */
    private static Iterator<Object[]> hbaRules(ExecContext ctx) {
        List<Object[]> rows = new ArrayList<>();
        for (org.pgkernel.hba.api.HbaRuleRow r : ctx.env().hbaFileRules()) {
            rows.add(new Object[] {r.lineNumber(), r.type(), textArray(r.database()), textArray(r.userName()), r.address(),
                r.netmask(), r.authMethod(), textArray(r.options()), r.error()});
        }
        return rows.iterator();
    }

    private static Object textArray(List<String> l) {
        return l == null ? null : l.toArray(new String[0]);
    }

    private static Iterator<Object[]> settings(ExecContext ctx) {
        List<Object[]> rows = new ArrayList<>();
        for (SettingRow s : ctx.env().settings().pgSettings()) {
            rows.add(new Object[] {s.name(), s.setting(), s.unit(), s.category(), s.shortDesc(), s.extraDesc(),
                s.context(), s.vartype(), s.source(), s.minVal(), s.maxVal(),
                s.enumVals() == null ? null : (Object[]) s.enumVals().clone(), s.bootVal(), s.resetVal(),
                s.sourcefile(), s.sourceline(), s.pendingRestart()});
        }
        return rows.iterator();
    }

    private static Iterator<Object[]> fileSettings(ExecContext ctx) {
        List<Object[]> rows = new ArrayList<>();
        for (FileSetting f : ctx.env().postmaster().settings().fileSettings()) {
            rows.add(new Object[] {f.sourcefile(), f.sourceline(), f.seqno(), f.name(), f.setting(), f.applied(), f.error()});
        }
        return rows.iterator();
    }
}
