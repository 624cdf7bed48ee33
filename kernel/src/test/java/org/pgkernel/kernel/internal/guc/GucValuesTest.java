package org.pgkernel.kernel.internal.guc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pgkernel.kernel.api.PgException;

class GucValuesTest {

    private static final Map<String, Setting> CATALOGUE = GucCatalogue.load();

    private static Setting s(String name) {
        return CATALOGUE.get(name.toLowerCase());
    }

    private static String show(String name, String input) {
        Setting st = s(name);
        return GucValues.show(st, GucValues.parse(st, input, GucValues.NO_CONTEXT));
    }

    private static PgException error(String name, String input) {
        return assertThrows(PgException.class, () -> GucValues.parse(s(name), input, GucValues.NO_CONTEXT));
    }

    @Test
    void catalogue_holds_every_postgresql_15_setting_with_its_exact_name() {
        assertEquals(354 + 4, CATALOGUE.size());
        assertEquals("DateStyle", s("datestyle").name);
        assertEquals("8kB", s("shared_buffers").unit);
        assertEquals("15.18", s("server_version").def.bootValue());
        assertEquals("C", s("lc_collate").def.bootValue());
        long reported = CATALOGUE.values().stream().filter(x -> x.has(Setting.Flag.REPORT)).count();
        assertEquals(13, reported);
    }

    @Test
    void memory_is_shown_in_the_largest_unit_that_divides_it() {
        assertEquals("4MB", show("work_mem", "4096"));
        assertEquals("1MB", show("work_mem", "1024"));
        assertEquals("1536kB", show("work_mem", "1.5MB"));
        assertEquals("98kB", show("work_mem", "100000B"));
        assertEquals("1GB", show("work_mem", "1GB"));
        assertEquals("2MB", show("work_mem", " 2 MB"));
        assertEquals("128MB", show("shared_buffers", "16384"));
        assertEquals("8000kB", show("temp_buffers", "1000"));
        assertEquals("16MB", show("temp_buffers", "2048"));
    }

    @Test
    void time_is_shown_in_the_largest_unit_that_divides_it() {
        assertEquals("5s", show("statement_timeout", "5s"));
        assertEquals("0", show("statement_timeout", "0"));
        assertEquals("1500ms", show("statement_timeout", "1.5s"));
        assertEquals("2ms", show("statement_timeout", "1500us"));
        assertEquals("1ms", show("statement_timeout", "1400us"));
        assertEquals("90min", show("statement_timeout", "90min"));
        assertEquals("1min", show("statement_timeout", "60000"));
        assertEquals("3d", show("statement_timeout", "3d"));
        assertEquals("1s", show("statement_timeout", "1e3"));
        assertEquals("16ms", show("statement_timeout", "0x10"));
        assertEquals("250ms", show("log_min_duration_statement", "250"));
        assertEquals("-1", show("log_min_duration_statement", "-1"));
        assertEquals("61s", show("log_min_duration_statement", "61000"));
        assertEquals("5min", show("checkpoint_timeout", "300"));
    }

    @Test
    void reals_are_printed_as_printf_g_does() {
        assertEquals("1.5e+10", show("random_page_cost", "1.5e10"));
        assertEquals("0.123457", show("random_page_cost", "0.123456789"));
        assertEquals("4", show("random_page_cost", "4"));
        assertEquals("1500us", show("vacuum_cost_delay", "1.5ms"));
        assertEquals("100us", show("vacuum_cost_delay", "0.1"));
        assertEquals("60ms", show("vacuum_cost_delay", "60"));
        assertEquals("1.79769e+308", GucValues.formatDouble(Double.MAX_VALUE));
    }

    @Test
    void out_of_range_integers_name_the_value_in_the_base_unit() {
        PgException e = error("work_mem", "10");
        assertEquals("22023", e.sqlState().code());
        assertEquals("10 kB is outside the valid range for parameter \"work_mem\" (64 .. 2147483647)", e.getMessage());
        assertEquals("1 kB is outside the valid range for parameter \"work_mem\" (64 .. 2147483647)", error("work_mem", "1000B").getMessage());
        assertEquals("-5 ms is outside the valid range for parameter \"statement_timeout\" (0 .. 2147483647)",
                error("statement_timeout", "-5").getMessage());
        assertEquals("0 is outside the valid range for parameter \"max_connections\" (1 .. 262143)", error("max_connections", "0").getMessage());
        assertEquals("-1 is outside the valid range for parameter \"random_page_cost\" (0 .. 1.79769e+308)",
                error("random_page_cost", "-1").getMessage());
        assertEquals("1000 ms is outside the valid range for parameter \"vacuum_cost_delay\" (0 .. 100)",
                error("vacuum_cost_delay", "1s").getMessage());
    }

    @Test
    void bad_numbers_and_units_get_postgresql_hints() {
        PgException lots = error("work_mem", "lots");
        assertEquals("invalid value for parameter \"work_mem\": \"lots\"", lots.getMessage());
        assertNull(lots.hint());
        assertEquals("Valid units for this parameter are \"B\", \"kB\", \"MB\", \"GB\", and \"TB\".", error("work_mem", "3mb").hint());
        assertEquals("Valid units for this parameter are \"us\", \"ms\", \"s\", \"min\", \"h\", and \"d\".",
                error("statement_timeout", "3 weeks").hint());
        assertEquals("Value exceeds integer range.", error("work_mem", "99999999999").hint());
        assertEquals("invalid value for parameter \"max_connections\": \"10x\"", error("max_connections", "10x").getMessage());
        assertEquals("invalid value for parameter \"random_page_cost\": \"abc\"", error("random_page_cost", "abc").getMessage());
    }

    @Test
    void booleans_accept_unique_prefixes() {
        assertEquals("on", show("enable_seqscan", "Y"));
        assertEquals("off", show("enable_seqscan", "of"));
        assertEquals("on", show("enable_seqscan", "TRUE"));
        assertEquals("off", show("enable_seqscan", "0"));
        assertEquals("parameter \"enable_seqscan\" requires a Boolean value", error("enable_seqscan", "o").getMessage());
        assertEquals("parameter \"enable_seqscan\" requires a Boolean value", error("enable_seqscan", "2").getMessage());
        assertEquals("parameter \"enable_seqscan\" requires a Boolean value", error("enable_seqscan", " 1").getMessage());
    }

    @Test
    void enums_are_case_insensitive_and_list_the_visible_values_on_error() {
        assertEquals("hex", show("bytea_output", "HEX"));
        assertEquals("debug2", show("client_min_messages", "debug"));
        assertEquals("replica", show("wal_level", "hot_standby"));
        assertEquals("on", show("synchronous_commit", "true"));
        PgException e = error("transaction_isolation", "foo");
        assertEquals("invalid value for parameter \"transaction_isolation\": \"foo\"", e.getMessage());
        assertEquals("Available values: serializable, repeatable read, read committed, read uncommitted.", e.hint());
        assertEquals("Available values: debug5, debug4, debug3, debug2, debug1, log, notice, warning, error.",
                error("client_min_messages", "fatal").hint());
    }

    @Test
    void datestyle_is_canonicalised_keeping_what_is_not_given() {
        GucValues.Context postgresDmy = new GucValues.Context() {
            @Override public String current(String name) { return "Postgres, DMY"; }
            @Override public String reset(String name) { return "ISO, MDY"; }
        };
        assertEquals("German, DMY", show("DateStyle", "German"));
        assertEquals("SQL, DMY", show("DateStyle", "SQL,DMY"));
        assertEquals("ISO, MDY", show("DateStyle", "us, iso"));
        assertEquals("Postgres, YMD", GucValues.parse(s("DateStyle"), "ymd", postgresDmy));
        assertEquals("ISO, DMY", GucValues.parse(s("DateStyle"), "default, dmy", postgresDmy));
        PgException conflict = error("DateStyle", "iso, sql");
        assertEquals("invalid value for parameter \"DateStyle\": \"iso, sql\"", conflict.getMessage());
        assertEquals("Conflicting \"datestyle\" specifications.", conflict.detail());
        assertEquals("Unrecognized key word: \"foo\".", error("DateStyle", "foo").detail());
    }

    @Test
    void time_zones_take_postgresql_spellings() {
        assertEquals("Europe/Paris", show("TimeZone", "europe/paris"));
        assertEquals("UTC", show("TimeZone", "utc"));
        assertEquals("<+03>-03", show("TimeZone", "+3"));
        assertEquals("<-05>+05", show("TimeZone", "-5"));
        assertEquals("<+05:30>-05:30", show("TimeZone", "5.5"));
        assertEquals("EST5EDT", show("TimeZone", "EST5EDT"));
        assertEquals("UTC+3", show("TimeZone", "UTC+3"));
        assertEquals("invalid value for parameter \"TimeZone\": \"America/New_Yorkx\"", error("TimeZone", "America/New_Yorkx").getMessage());
        assertEquals("invalid value for parameter \"TimeZone\": \"Z\"", error("TimeZone", "Z").getMessage());
        assertEquals(java.time.ZoneOffset.ofHours(-3), CheckHooks.zoneOf("UTC+3"));
        assertEquals(java.time.ZoneId.of("Europe/Paris"), CheckHooks.zoneOf("Europe/Paris"));
    }

    @Test
    void client_encodings_accept_postgresql_aliases() {
        assertEquals("LATIN1", show("client_encoding", "latin1"));
        assertEquals("UTF8", show("client_encoding", "utf-8"));
        assertEquals("UTF8", show("client_encoding", "unicode"));
        assertEquals("LATIN1", show("client_encoding", "ISO88591"));
        assertEquals("WIN1252", show("client_encoding", "win1252"));
        assertEquals("SQL_ASCII", show("client_encoding", "sql_ascii"));
        assertEquals("invalid value for parameter \"client_encoding\": \"klingon\"", error("client_encoding", "klingon").getMessage());
    }

    @Test
    void application_name_replaces_every_non_ascii_byte() {
        assertEquals("h??llo", show("application_name", "héllo"));
    }

    @Test
    void search_path_must_be_a_valid_list() {
        assertEquals("\"$user\", public", show("search_path", "\"$user\", public"));
        assertEquals("List syntax is invalid.", error("search_path", "a,,b").detail());
    }

    @Test
    void file_modes_are_shown_in_octal() {
        assertEquals("0700", show("data_directory_mode", "448"));
        assertEquals("0777", show("unix_socket_permissions", "511"));
    }
}
