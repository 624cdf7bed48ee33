package org.pgkernel.kernel.internal.guc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgkernel.kernel.api.ErrorSeverity;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.spi.guc.GucSession;
import org.pgkernel.kernel.spi.guc.SettingRow;

class SessionSettingsTest {

    @TempDir
    Path data;

    ServerSettings server;
    GucSession s;

    @BeforeEach
    void start() throws IOException {
        Files.writeString(data.resolve("postgresql.conf"), "TimeZone = 'UTC'\nlisten_addresses = '127.0.0.1'\n");
        server = new ServerSettings(data, Map.of());
        s = server.newSession(Map.of("user", "postgres", "database", "postgres"), true);
    }

    private static String changes(GucSession g) {
        return g.takeReportChanges().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(";"));
    }

    private PgException fails(Runnable r) {
        return assertThrows(PgException.class, r::run);
    }

    @Test
    void set_show_and_reset_answer_as_postgresql_does() {
        assertEquals("4MB", s.show("work_mem"));
        s.set("work_mem", "8MB", false);
        assertEquals("8MB", s.show("work_mem"));
        s.set("work_mem", "1024", false);
        assertEquals("1MB", s.show("work_mem"));
        assertEquals(1024, s.getInt("work_mem"));
        s.reset("work_mem");
        assertEquals("4MB", s.show("work_mem"));
        s.set("search_path", "public, pg_catalog", false);
        assertEquals("public, pg_catalog", s.show("search_path"));
        s.resetAll();
        assertEquals("\"$user\", public", s.show("search_path"));
        assertNull(s.currentSetting("no.such_setting", true));
        PgException e = fails(() -> s.set("no_such_setting", "1", false));
        assertEquals("42704", e.sqlState().code());
        assertEquals("unrecognized configuration parameter \"no_such_setting\"", e.getMessage());
        e = fails(() -> s.set("work_mem", "lots", false));
        assertEquals("22023", e.sqlState().code());
        assertEquals("invalid value for parameter \"work_mem\": \"lots\"", e.getMessage());
        assertEquals("unrecognized configuration parameter \"no_such_setting\"", fails(() -> s.show("no_such_setting")).getMessage());
    }

    @Test
    void shows_the_settings_of_a_default_cluster() {
        assertEquals("100", s.show("max_connections"));
        assertEquals("128MB", s.show("shared_buffers"));
        assertEquals("UTF8", s.show("server_encoding"));
        assertEquals("UTF8", s.show("client_encoding"));
        assertEquals("ISO, MDY", s.show("DateStyle"));
        assertEquals("UTC", s.show("TimeZone"));
        assertEquals("on", s.show("standard_conforming_strings"));
        assertEquals("on", s.show("integer_datetimes"));
        assertEquals("127.0.0.1", s.show("listen_addresses"));
        assertEquals("replica", s.show("wal_level"));
        assertEquals("8192", s.show("block_size"));
        assertEquals("C", s.show("lc_collate"));
        assertEquals("on", s.show("is_superuser"));
        assertEquals("read committed", s.show("default_transaction_isolation"));
        assertEquals("off", s.show("transaction_read_only"));
        assertEquals("postgres", s.show("session_authorization"));
        assertEquals("none", s.show("role"));
        assertEquals("unavailable", s.show("seed"));
    }

    @Test
    void set_local_lasts_until_the_end_of_the_transaction() {
        s.beginTransaction();
        s.set("statement_timeout", "5s", true);
        assertEquals("5s", s.show("statement_timeout"));
        s.commitTransaction();
        assertEquals("0", s.show("statement_timeout"));
    }

    @Test
    void a_set_in_a_rolled_back_transaction_is_undone() {
        s.set("work_mem", "3MB", false);
        s.beginTransaction();
        s.set("work_mem", "5MB", false);
        s.abortTransaction();
        assertEquals("3MB", s.show("work_mem"));
        s.beginTransaction();
        s.resetAll();
        assertEquals("4MB", s.show("work_mem"));
        s.abortTransaction();
        assertEquals("3MB", s.show("work_mem"));
    }

    @Test
    void set_after_set_local_wins_at_commit() {
        s.beginTransaction();
        s.set("work_mem", "1MB", true);
        s.set("work_mem", "2MB", false);
        s.commitTransaction();
        assertEquals("2MB", s.show("work_mem"));
    }

    @Test
    void set_local_after_set_gives_back_the_set_value_at_commit() {
        s.beginTransaction();
        s.set("work_mem", "3MB", false);
        s.set("work_mem", "1MB", true);
        assertEquals("1MB", s.show("work_mem"));
        s.commitTransaction();
        assertEquals("3MB", s.show("work_mem"));
    }

    @Test
    void set_local_outside_a_transaction_has_no_effect() {
        s.set("work_mem", "1MB", true);
        assertEquals("4MB", s.show("work_mem"));
        assertEquals("invalid value for parameter \"work_mem\": \"x\"", fails(() -> s.set("work_mem", "x", true)).getMessage());
    }

    @Test
    void context_and_permission_errors_carry_postgresqls_sqlstates() {
        PgException e = fails(() -> s.set("is_superuser", "off", false));
        assertEquals("55P02", e.sqlState().code());
        assertEquals("parameter \"is_superuser\" cannot be changed", e.getMessage());
        assertEquals("parameter \"shared_buffers\" cannot be changed without restarting the server",
                fails(() -> s.set("shared_buffers", "garbage", false)).getMessage());
        assertEquals("parameter \"fsync\" cannot be changed now", fails(() -> s.set("fsync", "off", false)).getMessage());
        assertEquals("parameter \"log_connections\" cannot be set after connection start",
                fails(() -> s.set("log_connections", "on", false)).getMessage());
        GucSession plain = server.newSession(Map.of("user", "alice"), false);
        e = fails(() -> plain.set("log_min_messages", "debug1", false));
        assertEquals("42501", e.sqlState().code());
        assertEquals("permission denied to set parameter \"log_min_messages\"", e.getMessage());
        e = fails(() -> plain.show("data_directory"));
        assertEquals("must be superuser or have privileges of pg_read_all_settings to examine \"data_directory\"", e.getMessage());
        s.set("log_min_messages", "debug1", false);
        assertEquals("debug1", s.show("log_min_messages"));
        assertEquals("off", plain.show("is_superuser"));
    }

    @Test
    void dotted_names_are_placeholders() {
        s.set("Foo.Bar", "x", false);
        assertEquals("x", s.show("foo.bar"));
        assertEquals("x", s.currentSetting("FOO.BAR", false));
        s.reset("foo.bar");
        assertEquals("", s.show("foo.bar"));
        assertEquals("unrecognized configuration parameter \"foo.baz\"", fails(() -> s.show("foo.baz")).getMessage());
        PgException e = fails(() -> s.set("foo.1a", "x", false));
        assertEquals("42602", e.sqlState().code());
        assertEquals("invalid configuration parameter name \"foo.1a\"", e.getMessage());
        assertEquals("Custom parameter names must be two or more simple identifiers separated by dots.", e.detail());
    }

    @Test
    void messages_use_the_name_as_given_except_check_hooks() {
        assertEquals("invalid value for parameter \"WORK_MEM\": \"lots\"", fails(() -> s.set("WORK_MEM", "lots", false)).getMessage());
        assertEquals("invalid value for parameter \"TimeZone\": \"x\"", fails(() -> s.set("timezone", "x", false)).getMessage());
        assertEquals("invalid value for parameter \"DateStyle\": \"foo\"", fails(() -> s.set("datestyle", "foo", false)).getMessage());
    }

    @Test
    void parameter_status_reports_follow_the_values_actually_changed() {
        List<String> names = s.reportedValues().stream().map(Map.Entry::getKey).toList();
        assertEquals(List.of("application_name", "client_encoding", "DateStyle", "default_transaction_read_only", "in_hot_standby",
                "integer_datetimes", "IntervalStyle", "is_superuser", "server_encoding", "server_version",
                "session_authorization", "standard_conforming_strings", "TimeZone"), names);
        assertEquals("", changes(s));
        s.set("application_name", "acc-proto", false);
        assertEquals("application_name=acc-proto", changes(s));
        s.set("DateStyle", "German", false);
        assertEquals("DateStyle=German, DMY", changes(s));
        s.set("TimeZone", "Europe/Paris", false);
        assertEquals("TimeZone=Europe/Paris", changes(s));
        s.set("work_mem", "8MB", false);
        assertEquals("", changes(s));
        s.beginTransaction();
        s.set("application_name", "in-tx", false);
        assertEquals("application_name=in-tx", changes(s));
        s.abortTransaction();
        assertEquals("application_name=acc-proto", changes(s));
        s.reset("DateStyle");
        assertEquals("DateStyle=ISO, MDY", changes(s));
        s.set("standard_conforming_strings", "off", false);
        assertEquals("standard_conforming_strings=off", changes(s));
        s.set("application_name", "acc-proto", false);
        assertEquals("", changes(s));
    }

    @Test
    void startup_parameters_become_the_sessions_values_and_reset_values() {
        GucSession g = server.newSession(Map.of("user", "postgres", "application_name", "from-startup",
                "client_encoding", "LATIN1", "DateStyle", "SQL,DMY"), true);
        Map<String, String> reported = g.reportedValues().stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertEquals("from-startup", reported.get("application_name"));
        assertEquals("LATIN1", reported.get("client_encoding"));
        assertEquals("SQL, DMY", reported.get("DateStyle"));
        g.set("application_name", "x", false);
        g.reset("application_name");
        assertEquals("from-startup", g.show("application_name"));
        SettingRow row = ServerSettingsTest.row(g, "application_name");
        assertEquals("client", row.source());
    }

    @Test
    void startup_options_carry_dash_c_switches() {
        GucSession g = server.newSession(Map.of("user", "postgres",
                "options", "-c work_mem=8MB --statement-timeout=5s -capplication_name=a\\ b"), true);
        assertEquals("8MB", g.show("work_mem"));
        assertEquals("5s", g.show("statement_timeout"));
        assertEquals("a b", g.show("application_name"));
        GucSession logConn = server.newSession(Map.of("options", "-c log_connections=on"), true);
        assertEquals("on", logConn.show("log_connections"));
    }

    @Test
    void bad_startup_parameters_are_fatal() {
        PgException e = fails(() -> server.newSession(Map.of("user", "postgres", "x", "1"), true));
        assertEquals(ErrorSeverity.FATAL, e.severity());
        assertEquals("42704", e.sqlState().code());
        assertEquals("unrecognized configuration parameter \"x\"", e.getMessage());
        e = fails(() -> server.newSession(Map.of("options", "-c work_mem=lots"), true));
        assertEquals(ErrorSeverity.FATAL, e.severity());
        assertEquals("invalid value for parameter \"work_mem\": \"lots\"", e.getMessage());
        e = fails(() -> server.newSession(Map.of("options", "-c log_connections=on"), false));
        assertEquals("permission denied to set parameter \"log_connections\"", e.getMessage());
        e = fails(() -> server.newSession(Map.of("options", "-c shared_buffers=1MB"), true));
        assertEquals("parameter \"shared_buffers\" cannot be changed without restarting the server", e.getMessage());
    }

    @Test
    void pg_settings_shows_base_units_sources_and_reset_values() {
        s.set("work_mem", "8MB", false);
        SettingRow wm = ServerSettingsTest.row(s, "work_mem");
        assertEquals("8192", wm.setting());
        assertEquals("kB", wm.unit());
        assertEquals("integer", wm.vartype());
        assertEquals("session", wm.source());
        assertEquals("4096", wm.resetVal());
        assertEquals("4096", wm.bootVal());
        assertEquals("64", wm.minVal());
        assertEquals("2147483647", wm.maxVal());
        assertEquals("user", wm.context());
        SettingRow sb = ServerSettingsTest.row(s, "shared_buffers");
        assertEquals("16384", sb.setting());
        assertEquals("8kB", sb.unit());
        SettingRow scs = ServerSettingsTest.row(s, "standard_conforming_strings");
        assertEquals("on", scs.setting());
        assertEquals("bool", scs.vartype());
        SettingRow mc = ServerSettingsTest.row(s, "max_connections");
        assertEquals("100", mc.setting());
        assertNull(mc.unit());
        SettingRow dm = ServerSettingsTest.row(s, "data_directory_mode");
        assertEquals("0700", dm.setting());
        assertEquals("448", dm.bootVal());
        SettingRow tz = ServerSettingsTest.row(s, "TimeZone");
        assertEquals("configuration file", tz.source());
        assertEquals(1, tz.sourceline());
        SettingRow ti = ServerSettingsTest.row(s, "transaction_isolation");
        assertEquals("read committed", ti.setting());
        SettingRow bo = ServerSettingsTest.row(s, "bytea_output");
        assertEquals(List.of("escape", "hex"), List.of(bo.enumVals()));
    }

    @Test
    void a_session_set_outlives_a_reload() throws IOException {
        s.set("work_mem", "1MB", false);
        Files.writeString(data.resolve("postgresql.conf"), "work_mem = '16MB'\n");
        server.reload();
        s.reloadFromServer();
        assertEquals("1MB", s.show("work_mem"));
        s.reset("work_mem");
        assertEquals("16MB", s.show("work_mem"));
    }

    @Test
    void transaction_characteristics_start_from_their_defaults() {
        s.set("default_transaction_isolation", "serializable", false);
        s.beginTransaction();
        assertEquals("serializable", s.show("transaction_isolation"));
        s.commitTransaction();
        s.set("default_transaction_read_only", "on", false);
        assertTrue(s.getBool("default_transaction_read_only"));
        s.beginTransaction();
        assertEquals("on", s.show("transaction_read_only"));
        s.commitTransaction();
    }
}
