package org.pgkernel.sql.internal.session;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.pgkernel.catalog.api.SharedCatalog;
import org.pgkernel.catalog.internal.CatalogBootstrap;
import org.pgkernel.catalog.internal.GlobalCatalog;
import org.pgkernel.kernel.api.Activity;
import org.pgkernel.kernel.api.BackendStatus;
import org.pgkernel.kernel.api.BackendType;
import org.pgkernel.kernel.api.CancelReason;
import org.pgkernel.kernel.api.ErrorSeverity;
import org.pgkernel.kernel.api.Latch;
import org.pgkernel.kernel.api.Notifications;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.PmState;
import org.pgkernel.kernel.api.Postmaster;
import org.pgkernel.kernel.api.ProcSignal;
import org.pgkernel.kernel.api.ProcessBody;
import org.pgkernel.kernel.api.ServerProcess;
import org.pgkernel.kernel.api.SqlState;
import org.pgkernel.kernel.spi.guc.FileSetting;
import org.pgkernel.kernel.spi.guc.GucDefinition;
import org.pgkernel.kernel.spi.guc.GucRegistry;
import org.pgkernel.kernel.spi.guc.GucSession;
import org.pgkernel.kernel.spi.guc.SettingRow;
import org.pgkernel.sql.api.SessionEnvironment;

/**
 * A small in-test environment: a map-backed GucSession, a process with a real latch, a
 * postmaster stub, a notification queue that several environments (sessions) may share.
 */
final class TestEnvironment implements SessionEnvironment {
    final Settings settings = new Settings();
    final Process process;
    final TestNotifications notifications;
    final List<String> signals = new ArrayList<>();
    int reloads;
    final Instant start = Instant.parse("2024-01-02T03:04:05Z");

    TestEnvironment() { this(4242, new TestNotifications()); }

    /** A session of backend {@code pid} on the queue {@code notifications}. */
    TestEnvironment(int pid, TestNotifications notifications) {
        this.process = new Process(pid);
        this.notifications = notifications;
    }

    @Override public Postmaster postmaster() { return postmaster; }
    @Override public ServerProcess process() { return process; }
    @Override public GucSession settings() { return settings; }
    @Override public String userName() { return user; }
    @Override public String databaseName() { return "postgres"; }
    @Override public int databaseOid() { return 5; }
    @Override public String serverAddress() { return "127.0.0.1"; }
    @Override public Integer serverPort() { return 5432; }
    @Override public Instant sessionStart() { return start; }

    /** What pg_hba_file_rules shows. */
    final List<org.pgkernel.hba.api.HbaRuleRow> hbaRules = new ArrayList<>();

    @Override public List<org.pgkernel.hba.api.HbaRuleRow> hbaFileRules() { return hbaRules; }

    /** Who the session is (the superuser of the test catalog unless a test says otherwise). */
    String user = "postgres";
    /** Sessions other than this one that activity() shows. */
    final List<Activity> otherSessions = new ArrayList<>();
    private SharedCatalog catalog;

    /** A real shared catalog in a fresh temporary directory, as initdb -U postgres leaves it; made on first use. */
    @Override
    public SharedCatalog catalog() {
        if (catalog == null) {
            try {
                Path dir = Files.createTempDirectory("pgk-catalog");
                dir.toFile().deleteOnExit();
                CatalogBootstrap.initdb(dir, "postgres", null, "UTF8", "C", false);
                catalog = new GlobalCatalog(dir);
                dir.resolve("pg_shared_catalog").toFile().deleteOnExit();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return catalog;
    }

    /** A session of another backend in database {@code datid}, as pg_stat_activity would show it. */
    static Activity session(int pid, int datid, String datname, int usesysid, String user) {
        Instant t = Instant.parse("2024-01-02T03:04:05Z");
        return new Activity(datid, datname, pid, null, usesysid, user, "psql", "127.0.0.1", null, 50000,
                t, null, null, t, null, null, "idle", null, null, null, "", "client backend");
    }

    final Postmaster postmaster = new Postmaster() {
        @Override public PmState state() { return PmState.RUN; }
        @Override public Path dataDirectory() { return Path.of("/tmp"); }
        @Override public Instant startTime() { return start; }
        @Override public GucRegistry settings() { return registry; }
        @Override public ServerProcess launch(BackendType type, String title, ProcessBody body) { throw new UnsupportedOperationException(); }
        @Override public BackendStatus initProcess(ServerProcess self, boolean superuser) { throw new UnsupportedOperationException(); }
        @Override public void cancelRequest(int pid, int key) { }
        @Override public boolean signal(int pid, ProcSignal signal) {
            signals.add(pid + ":" + signal);
            return pid == process.pid();
        }
        @Override public ServerProcess process(int pid) { return pid == process.pid() ? process : null; }
        @Override public List<Activity> activity() {
            List<Activity> all = new ArrayList<>();
            all.add(new Activity(5, "postgres", 4242, null, 10, "postgres", "psql", "127.0.0.1", null, 50000,
                    start, start, start, start, null, null, "active", null, 735L, null, "SELECT 1", "client backend"));
            all.addAll(otherSessions);
            return all;
        }
        @Override public void requestReload() { reloads++; }
        @Override public Notifications notifications() { return notifications; }
    };

    final GucRegistry registry = new GucRegistry() {
        @Override public java.util.Optional<GucDefinition> find(String name) { return java.util.Optional.empty(); }
        @Override public java.util.Collection<GucDefinition> definitions() { return List.of(); }
        @Override public void define(GucDefinition definition) { }
        @Override public String value(String name) { return settings.show(name); }
        @Override public String baseValue(String name) { return settings.show(name); }
        @Override public GucSession newSession(Map<String, String> p, boolean su) { return new Settings(); }
        @Override public boolean reload() { return true; }
        @Override public Instant confLoadTime() { return start; }
        @Override public List<FileSetting> fileSettings() {
            return List.of(new FileSetting("/data/postgresql.conf", 1, 1, "work_mem", "4MB", true, null));
        }
        @Override public void alterSystem(String name, String value) { }
        @Override public long generation() { return 0; }
    };

    /** A process whose cancel and terminate behave as the kernel's: a flag plus the latch. */
    static final class Process implements ServerProcess {
        private final Latch latch = new Latch();
        private final int pid;
        private volatile CancelReason cancel;

        Process(int pid) { this.pid = pid; }

        @Override public int pid() { return pid; }
        @Override public int cancelKey() { return 1; }
        @Override public BackendType backendType() { return BackendType.CLIENT_BACKEND; }
        @Override public Latch latch() { return latch; }
        @Override public void checkForInterrupts() {
            CancelReason r = cancel;
            if (r != null) {
                cancel = null;
                throw PgException.error(r.sqlState(), r.message());
            }
        }
        @Override public void setTitle(String title) { }
        @Override public void setWaitEvent(String type, String name) { }
        @Override public void holdCancelInterrupts() { }
        @Override public void resumeCancelInterrupts() { }
        @Override public void requestCancel(CancelReason reason) {
            cancel = reason;
            latch.set();
        }
        @Override public void clearCancel() { cancel = null; }
        @Override public boolean isTerminating() { return false; }
        @Override public boolean takeReloadRequest() { return false; }
        @Override public boolean takeUsr1() { return false; }
    }

    /** Map-backed settings with transactional SET and SET LOCAL. */
    static final class Settings implements GucSession {
        private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();
        static {
            DEFAULTS.put("application_name", "");
            DEFAULTS.put("bytea_output", "hex");
            DEFAULTS.put("DateStyle", "ISO, MDY");
            DEFAULTS.put("escape_string_warning", "on");
            DEFAULTS.put("extra_float_digits", "1");
            DEFAULTS.put("IntervalStyle", "postgres");
            DEFAULTS.put("max_connections", "100");
            DEFAULTS.put("password_encryption", "scram-sha-256");
            DEFAULTS.put("search_path", "\"$user\", public");
            DEFAULTS.put("server_version", "15.8");
            DEFAULTS.put("standard_conforming_strings", "on");
            DEFAULTS.put("statement_timeout", "0");
            DEFAULTS.put("TimeZone", "UTC");
            DEFAULTS.put("work_mem", "4MB");
        }

        private final Map<String, String> values = new HashMap<>();
        private Map<String, String> atBegin;
        private Map<String, String> beforeLocal;
        int begins;
        int commits;
        int aborts;

        Settings() {
            DEFAULTS.forEach((k, v) -> values.put(k.toLowerCase(Locale.ROOT), v));
        }

        private String key(String name) {
            String k = name.toLowerCase(Locale.ROOT);
            if (!values.containsKey(k) && !k.contains(".")) {
                throw PgException.error(SqlState.UNDEFINED_OBJECT, "unrecognized configuration parameter \"%s\"", name);
            }
            return k;
        }

        @Override public String show(String name) {
            String k = key(name);
            String v = values.get(k);
            if (v == null) throw PgException.error(SqlState.UNDEFINED_OBJECT, "unrecognized configuration parameter \"%s\"", name);
            return v;
        }

        @Override public String currentSetting(String name, boolean missingOk) {
            String v = values.get(name.toLowerCase(Locale.ROOT));
            if (v == null && !missingOk) return show(name);
            return v;
        }

        private static String canonical(String k, String value) {
            if (k.equals("work_mem")) {
                String v = value.trim();
                long kb;
                if (v.matches("\\d+")) kb = Long.parseLong(v);
                else if (v.matches("\\d+MB")) kb = Long.parseLong(v.substring(0, v.length() - 2)) * 1024;
                else if (v.matches("\\d+kB")) kb = Long.parseLong(v.substring(0, v.length() - 2));
                else throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "invalid value for parameter \"%s\": \"%s\"", k, value);
                return kb % 1024 == 0 ? kb / 1024 + "MB" : kb + "kB";
            }
            if (k.equals("statement_timeout")) {
                long ms = parseMs(value);
                if (ms == 0) return "0";
                return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
            }
            return value;
        }

        private static long parseMs(String v) {
            String t = v.trim();
            if (t.endsWith("ms")) return Long.parseLong(t.substring(0, t.length() - 2));
            if (t.endsWith("s")) return Long.parseLong(t.substring(0, t.length() - 1)) * 1000;
            return Long.parseLong(t);
        }

        @Override public void set(String name, String value, boolean local) {
            String k = name.toLowerCase(Locale.ROOT);
            if (!values.containsKey(k) && !k.contains(".")) key(name);
            String v = canonical(k, value);
            if (local && beforeLocal != null && !beforeLocal.containsKey(k)) beforeLocal.put(k, values.get(k));
            values.put(k, v);
        }

        @Override public void reset(String name) {
            String k = key(name);
            String def = null;
            for (Map.Entry<String, String> e : DEFAULTS.entrySet()) {
                if (e.getKey().equalsIgnoreCase(k)) def = e.getValue();
            }
            values.put(k, def);
        }

        @Override public void resetAll() { DEFAULTS.forEach((k, v) -> values.put(k.toLowerCase(Locale.ROOT), v)); }

        @Override public boolean getBool(String name) { return show(name).equals("on"); }

        @Override public long getInt(String name) { return parseMs(show(name)); }

        @Override public double getReal(String name) { return Double.parseDouble(show(name)); }

        @Override public String getString(String name) { return show(name); }

        @Override public void beginTransaction() {
            begins++;
            atBegin = new HashMap<>(values);
            beforeLocal = new HashMap<>();
        }

        @Override public void commitTransaction() {
            commits++;
            if (beforeLocal != null) values.putAll(beforeLocal);
            atBegin = null;
            beforeLocal = null;
        }

        @Override public void abortTransaction() {
            aborts++;
            if (atBegin != null) {
                values.clear();
                values.putAll(atBegin);
            }
            atBegin = null;
            beforeLocal = null;
        }

        /** Always a new number: callers never trust a cache of these simple settings. */
        @Override public long changeCount() { return ++changes; }

        private long changes;
        @Override public List<Map.Entry<String, String>> takeReportChanges() { return List.of(); }

        @Override public List<Map.Entry<String, String>> reportedValues() { return List.of(); }

        @Override public void reloadFromServer() { }

        @Override public List<SettingRow> pgSettings() {
            List<SettingRow> rows = new ArrayList<>();
            for (String name : new java.util.TreeSet<>(String.CASE_INSENSITIVE_ORDER) {{ addAll(DEFAULTS.keySet()); }}) {
                String v = values.get(name.toLowerCase(Locale.ROOT));
                String setting = v;
                String unit = null;
                if (name.equals("work_mem")) {
                    setting = v.endsWith("MB") ? String.valueOf(Long.parseLong(v.replace("MB", "")) * 1024) : v.replace("kB", "");
                    unit = "kB";
                }
                String vartype = switch (name) {
                    case "max_connections", "work_mem", "statement_timeout", "extra_float_digits" -> "integer";
                    case "standard_conforming_strings", "escape_string_warning" -> "bool";
                    default -> "string";
                };
                rows.add(new SettingRow(name, setting, unit, "Test", "desc of " + name, null, "user", vartype, "default",
                        null, null, name.equals("bytea_output") ? new String[] {"escape", "hex"} : null, v, v, null, null,
                        false));
            }
            return rows;
        }
    }

    static PgException notice(String msg) {
        return new PgException(ErrorSeverity.NOTICE, SqlState.WARNING, msg, null, null, 0, null, null);
    }
}
