package org.pgkernel.kernel.internal.guc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgkernel.kernel.api.ErrorSeverity;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.spi.guc.FileSetting;
import org.pgkernel.kernel.spi.guc.GucContext;
import org.pgkernel.kernel.spi.guc.GucDefinition;
import org.pgkernel.kernel.spi.guc.GucSession;
import org.pgkernel.kernel.spi.guc.GucType;
import org.pgkernel.kernel.spi.guc.SettingRow;
import org.pgkernel.logging.ServerLog;

class ServerSettingsTest {

    @TempDir
    Path data;

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void captureLog() {
        ServerLog.configure("", java.time.ZoneOffset.UTC, org.pgkernel.logging.Severity.WARNING);
        ServerLog.redirect(log);
    }

    @AfterEach
    void restoreLog() {
        ServerLog.redirect(new java.io.FileOutputStream(java.io.FileDescriptor.err));
        ServerLog.configure("%m [%p] ", java.time.ZoneId.systemDefault(), org.pgkernel.logging.Severity.WARNING);
    }

    private String logText() {
        return log.toString(StandardCharsets.UTF_8);
    }

    private void conf(String... lines) throws IOException {
        Files.writeString(data.resolve("postgresql.conf"), String.join("\n", lines) + "\n");
    }

    private ServerSettings start(String... lines) throws IOException {
        conf(lines);
        return new ServerSettings(data, Map.of());
    }

    @Test
    void defaults_are_postgresql_15s_with_pgkernels_own() throws IOException {
        ServerSettings s = start("# empty");
        assertEquals("4MB", s.value("work_mem"));
        assertEquals("128MB", s.value("shared_buffers"));
        assertEquals("16384", s.baseValue("shared_buffers"));
        assertEquals("1024", s.baseValue("track_activity_query_size"));
        assertEquals("ISO, MDY", s.value("datestyle"));
        assertEquals("15.18", s.value("server_version"));
        assertEquals("150018", s.value("server_version_num"));
        assertEquals("UTF8", s.value("server_encoding"));
        assertEquals("UTF8", s.value("client_encoding"));
        assertEquals("C", s.value("lc_collate"));
        assertEquals("\"$user\", public", s.value("search_path"));
        assertEquals("4MB", s.value("wal_buffers"));
        assertEquals("(disabled)", s.value("archive_command"));
        assertEquals(data.toAbsolutePath().toString(), s.value("data_directory"));
        assertEquals(data.resolve("postgresql.conf").toAbsolutePath().toString(), s.value("config_file"));
        assertEquals(data.resolve("pg_hba.conf").toAbsolutePath().toString(), s.value("hba_file"));
        assertEquals(data.resolve("pg_ident.conf").toAbsolutePath().toString(), s.value("ident_file"));
        PgException e = assertThrows(PgException.class, () -> s.value("no_such_setting"));
        assertEquals("unrecognized configuration parameter \"no_such_setting\"", e.getMessage());
        assertEquals("42704", e.sqlState().code());
    }

    @Test
    void the_command_line_outranks_the_configuration_file() throws IOException {
        conf("port = 5433", "work_mem = 8MB");
        ServerSettings s = new ServerSettings(data, Map.of("port", "6543", "max_connections", "20"));
        assertEquals("6543", s.value("port"));
        assertEquals("20", s.value("max_connections"));
        assertEquals("8MB", s.value("work_mem"));
        assertEquals("8192", s.configOption("work_mem"));
        assertEquals("448", s.configOption("data_directory_mode"));
        SettingRow port = row(s.newSession(Map.of(), true), "port");
        assertEquals("command line", port.source());
    }

    @Test
    void a_bad_command_line_option_is_fatal() throws IOException {
        conf("# empty");
        PgException e = assertThrows(PgException.class, () -> new ServerSettings(data, Map.of("no_such", "1")));
        assertEquals(ErrorSeverity.FATAL, e.severity());
        assertEquals("unrecognized configuration parameter \"no_such\"", e.getMessage());
        e = assertThrows(PgException.class, () -> new ServerSettings(data, Map.of("work_mem", "lots")));
        assertEquals("invalid value for parameter \"work_mem\": \"lots\"", e.getMessage());
    }

    @Test
    void a_bad_line_at_start_is_fatal_after_logging_what_is_wrong() throws IOException {
        Path f = data.resolve("postgresql.conf");
        PgException e = assertThrows(PgException.class, () -> start("work_mem = 'lots'"));
        assertEquals(ErrorSeverity.FATAL, e.severity());
        assertEquals("F0000", e.sqlState().code());
        assertEquals("configuration file \"" + f + "\" contains errors", e.getMessage());
        assertTrue(logText().contains("LOG:  invalid value for parameter \"work_mem\": \"lots\"\n"), logText());

        assertThrows(PgException.class, () -> start("work_mem = 8MB", "nosuch = 1"));
        assertTrue(logText().contains("LOG:  unrecognized configuration parameter \"nosuch\" in file \"" + f + "\" line 2\n"), logText());

        assertThrows(PgException.class, () -> start("work_mem = 8MB", "foo bar baz"));
        assertTrue(logText().contains("LOG:  syntax error in file \"" + f + "\" line 2, near token \"baz\"\n"), logText());

        assertThrows(PgException.class, () -> start("is_superuser = on"));
        assertTrue(logText().contains("LOG:  parameter \"is_superuser\" cannot be changed\n"), logText());
    }

    @Test
    void postgresql_auto_conf_follows_postgresql_conf_and_the_last_line_wins() throws IOException {
        Files.writeString(data.resolve("postgresql.auto.conf"), "work_mem = '6MB'\n");
        ServerSettings s = start("work_mem = 2MB", "work_mem = 3MB", "x.y = 1");
        assertEquals("6MB", s.value("work_mem"));
        assertEquals("1", s.value("x.y"));
        List<FileSetting> rows = s.fileSettings();
        assertEquals(4, rows.size());
        assertFalse(rows.get(0).applied());
        assertFalse(rows.get(1).applied());
        assertTrue(rows.get(3).applied());
        assertEquals(data.resolve("postgresql.auto.conf").toString(), rows.get(3).sourcefile());
        assertEquals(1, rows.get(3).sourceline());
        assertEquals(4, rows.get(3).seqno());
    }

    @Test
    void reload_applies_changes_and_marks_restart_only_ones_pending() throws IOException {
        ServerSettings s = start("# empty");
        GucSession session = s.newSession(Map.of(), true);
        Instant t0 = s.confLoadTime();
        long g0 = s.generation();
        conf("work_mem = '16MB'", "log_min_duration_statement = 250", "shared_buffers = '64MB'");
        assertTrue(s.reload());
        assertEquals("16MB", s.value("work_mem"));
        assertEquals("250ms", s.value("log_min_duration_statement"));
        assertEquals("128MB", s.value("shared_buffers"));
        assertTrue(s.confLoadTime().compareTo(t0) >= 0);
        assertEquals(g0 + 1, s.generation());
        Path f = data.resolve("postgresql.conf");
        String l = logText();
        assertTrue(l.contains("LOG:  parameter \"log_min_duration_statement\" changed to \"250\"\n"), l);
        assertTrue(l.contains("LOG:  parameter \"shared_buffers\" cannot be changed without restarting the server\n"), l);
        assertTrue(l.contains("LOG:  parameter \"work_mem\" changed to \"16MB\"\n"), l);
        assertTrue(l.contains("LOG:  configuration file \"" + f + "\" contains errors; unaffected changes were applied\n"), l);

        assertEquals("4MB", session.show("work_mem"));
        session.reloadFromServer();
        assertEquals("16MB", session.show("work_mem"));
        SettingRow sb = row(session, "shared_buffers");
        assertEquals("16384", sb.setting());
        assertTrue(sb.pendingRestart());
        SettingRow wm = row(session, "work_mem");
        assertEquals("16384", wm.setting());
        assertFalse(wm.pendingRestart());
        assertEquals("configuration file", wm.source());
        assertEquals(f.toString(), wm.sourcefile());
        assertEquals(1, wm.sourceline());
    }

    @Test
    void reload_keeps_the_old_value_of_an_invalid_line() throws IOException {
        ServerSettings s = start("work_mem = '16MB'", "shared_buffers = '64MB'");
        conf("work_mem = 'not a size'", "shared_buffers = '32MB'");
        s.reload();
        assertEquals("16MB", s.value("work_mem"));
        assertTrue(logText().contains("LOG:  invalid value for parameter \"work_mem\": \"not a size\"\n"), logText());
        String errors = s.fileSettings().stream().filter(r -> r.error() != null)
                .map(r -> r.name() + "|" + r.error()).sorted().collect(Collectors.joining("\n"));
        assertEquals("shared_buffers|setting could not be applied\nwork_mem|setting could not be applied", errors);
    }

    @Test
    void reload_with_an_unknown_name_applies_nothing() throws IOException {
        ServerSettings s = start("work_mem = '16MB'");
        conf("work_mem = '32MB'", "nosuch = 2");
        s.reload();
        assertEquals("16MB", s.value("work_mem"));
        Path f = data.resolve("postgresql.conf");
        assertTrue(logText().contains("LOG:  unrecognized configuration parameter \"nosuch\" in file \"" + f + "\" line 2\n"));
        assertTrue(logText().contains("LOG:  configuration file \"" + f + "\" contains errors; no changes were applied\n"));
        List<FileSetting> rows = s.fileSettings();
        assertEquals("unrecognized configuration parameter", rows.get(1).error());
        assertFalse(rows.get(0).applied());
    }

    @Test
    void a_line_removed_from_the_file_returns_to_its_default() throws IOException {
        ServerSettings s = start("work_mem = '16MB'");
        conf("# nothing");
        s.reload();
        assertEquals("4MB", s.value("work_mem"));
        assertTrue(logText().contains("LOG:  parameter \"work_mem\" removed from configuration file, reset to default\n"));
    }

    @Test
    void reload_calls_assign_hooks_and_configures_the_server_log() throws IOException {
        ServerSettings s = start("# empty");
        AtomicReference<String> seen = new AtomicReference<>();
        s.define(new GucDefinition("myext.level", GucType.INTEGER, GucContext.SIGHUP, "Customized Options", "", "ms",
                "10", "0", "100000", List.of(), false, false, seen::set));
        assertEquals("10ms", seen.get());
        conf("myext.level = '2s'", "log_line_prefix = 'PFX '", "log_min_messages = debug1");
        s.reload();
        assertEquals("2s", seen.get());
        assertEquals("2s", s.value("myext.level"));
        org.slf4j.LoggerFactory.getLogger("test").info("after reload");
        assertTrue(logText().contains("PFX LOG:  after reload\n"), logText());
    }

    @Test
    void a_placeholder_becomes_the_setting_a_bundle_defines() throws IOException {
        ServerSettings s = start("myext.flag = yes");
        assertEquals("yes", s.value("myext.flag"));
        s.define(new GucDefinition("myext.flag", GucType.BOOL, GucContext.USER, "Customized Options", "", null,
                "off", null, null, List.of(), false, false, null));
        assertEquals("on", s.value("myext.flag"));
        assertEquals(GucType.BOOL, s.find("MYEXT.FLAG").orElseThrow().type());
    }

    @Test
    void alter_system_rewrites_postgresql_auto_conf() throws IOException {
        ServerSettings s = start("# empty");
        s.alterSystem("work_mem", "1MB");
        s.alterSystem("log_line_prefix", "it's %m ");
        s.alterSystem("work_mem", "2MB");
        Path auto = data.resolve("postgresql.auto.conf");
        assertEquals("# Do not edit this file manually!\n# It will be overwritten by the ALTER SYSTEM command.\n"
                + "work_mem = '2MB'\nlog_line_prefix = 'it''s %m '\n", Files.readString(auto));
        s.reload();
        assertEquals("2MB", s.value("work_mem"));
        assertEquals("it's %m ", s.value("log_line_prefix"));
        s.alterSystem("work_mem", null);
        assertEquals("# Do not edit this file manually!\n# It will be overwritten by the ALTER SYSTEM command.\n"
                + "log_line_prefix = 'it''s %m '\n", Files.readString(auto));
        assertFalse(Files.exists(data.resolve("postgresql.auto.conf.tmp")));
        s.alterSystem("all", null);
        assertEquals("# Do not edit this file manually!\n# It will be overwritten by the ALTER SYSTEM command.\n", Files.readString(auto));
    }

    @Test
    void alter_system_refuses_what_postgresql_refuses() throws IOException {
        ServerSettings s = start("# empty");
        assertEquals("parameter \"data_directory\" cannot be changed",
                assertThrows(PgException.class, () -> s.alterSystem("data_directory", "x")).getMessage());
        assertEquals("parameter \"config_file\" cannot be changed",
                assertThrows(PgException.class, () -> s.alterSystem("config_file", "x")).getMessage());
        assertEquals("parameter \"server_version\" cannot be changed",
                assertThrows(PgException.class, () -> s.alterSystem("server_version", "1")).getMessage());
        assertEquals("parameter \"transaction_isolation\" cannot be changed",
                assertThrows(PgException.class, () -> s.alterSystem("transaction_isolation", "serializable")).getMessage());
        PgException e = assertThrows(PgException.class, () -> s.alterSystem("work_mem", "lots"));
        assertEquals("22023", e.sqlState().code());
        assertEquals("unrecognized configuration parameter \"foo.bar\"",
                assertThrows(PgException.class, () -> s.alterSystem("foo.bar", "1")).getMessage());
        s.alterSystem("hba_file", "x");
        assertTrue(Files.readString(data.resolve("postgresql.auto.conf")).contains("hba_file = 'x'\n"));
    }

    static SettingRow row(GucSession session, String name) {
        return session.pgSettings().stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
    }

    @Test
    void pg_settings_hides_the_no_show_all_settings() throws IOException {
        ServerSettings s = start("# empty");
        GucSession su = s.newSession(Map.of("user", "postgres"), true);
        assertNull(row(su, "is_superuser"));
        assertNull(row(su, "seed"));
        assertEquals(354, su.pgSettings().size());
        GucSession plain = s.newSession(Map.of("user", "alice"), false);
        assertEquals(333, plain.pgSettings().size());
        assertNull(row(plain, "data_directory"));
    }
}
