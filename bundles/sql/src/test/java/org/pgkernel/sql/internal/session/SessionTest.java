package org.pgkernel.sql.internal.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pgkernel.kernel.api.PgException;

/** End-to-end behaviour of a session as a client sees it. */
class SessionTest {
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final TestEnvironment env = new TestEnvironment();
    private final Session session = new Session(env, timers);

    @AfterEach
    void stop() {
        timers.shutdownNow();
    }

    /** Runs a Query message and returns the messages, as pgwire prints them, ending with "Z status". */
    private List<String> q(String sql) {
        RecordingSink sink = new RecordingSink();
        try {
            session.simpleQuery(sql, sink);
        } catch (PgException e) {
            sink.lines.add("E " + e.severity() + " " + e.sqlState().code() + " " + e.getMessage()
                    + (e.position() > 0 ? " @" + e.position() : ""));
        }
        sink.lines.add("Z " + session.transactionStatus());
        return sink.lines;
    }

    private static List<String> lines(String... l) { return List.of(l); }

    @Test
    void select_without_from_names_and_types_columns_as_postgres() {
        assertEquals(lines("T ?column?:23", "D 1", "C SELECT 1", "Z I"), q("SELECT 1"));
        assertEquals(lines("T a:23", "D 1", "C SELECT 1", "T b:25,c:25", "D two|\\N", "C SELECT 1", "Z I"),
                q("SELECT 1 AS a; SELECT 'two' AS b, NULL::text AS c"));
        assertEquals(lines("T text:25,int4:23,float8:701,date:1082,interval:1186,bool:16", "D 1|1|1|2020-03-01|1 day|t", "C SELECT 1", "Z I"),
                q("SELECT 1::text, '1'::integer, 1::double precision, date '2020-03-01', interval '1 day', true::bool"));
        assertEquals(lines("T coalesce:23,greatest:23,nullif:23,case:25,now:1082", "D 1|3|\\N|x|2020-01-01", "C SELECT 1", "Z I"),
                q("SELECT coalesce(NULL, 1), greatest(1, 3, 2), nullif(2, 2), CASE WHEN true THEN 'x' END, '2020-01-01'::date::date AS now"));
    }

    @Test
    void arithmetic_follows_postgres_types_and_errors() {
        assertEquals(lines("T ?column?:1700,?column?:1700,?column?:701,?column?:23", "D 0.33333333333333333333|2.5000000000000000|8|-3",
                "C SELECT 1", "Z I"), q("SELECT 1/3::numeric, 10/4.0, 2^3, -7/2"));
        assertEquals(lines("E ERROR 22012 division by zero", "Z I"), q("SELECT 1/0"));
        assertEquals(lines("E ERROR 22003 integer out of range", "Z I"), q("SELECT 2147483647 + 1"));
        assertEquals(lines("E ERROR 22P02 invalid input syntax for type integer: \"abc\" @8", "Z I"), q("SELECT 'abc'::int"));
        assertEquals(lines("E ERROR 42883 function foo(integer) does not exist @8", "Z I"), q("SELECT foo(1)"));
        assertEquals(lines("E ERROR 42883 operator does not exist: text = integer @20", "Z I"), q("SELECT 'abc'::text = 1"));
        assertEquals(lines("E ERROR 42703 column \"x\" does not exist @8", "Z I"), q("SELECT x"));
        assertEquals(lines("E ERROR 42P01 relation \"t\" does not exist @15", "Z I"), q("SELECT * FROM t"));
        assertEquals(lines("E ERROR 42846 cannot cast type integer to date @9", "Z I"), q("SELECT 1::date"));
        assertEquals(lines("T ?column?:701,?column?:701,float4:700", "D 1e+15|1e-05|1e+06", "C SELECT 1", "Z I"),
                q("SELECT 1e15::float8 * 1, 0.00001::float8 + 0, 1e6::float4"));
    }

    @Test
    void pg_hba_file_rules_shows_postgresql_15_columns_to_superusers_only() {
        env.hbaRules.add(new org.pgkernel.hba.api.HbaRuleRow(1, "/d/pg_hba.conf", 1, "host", List.of("all"), List.of("a"),
                "127.0.0.1", "255.255.255.255", "scram-sha-256", null, null));
        env.hbaRules.add(new org.pgkernel.hba.api.HbaRuleRow(2, "/d/pg_hba.conf", 3, "host", List.of("all"), List.of("c"),
                "127.0.0.1", "255.255.255.255", "md5", null,
                "invalid authentication method \"md5\": not supported by this build"));
        assertEquals(lines("T line_number:23,type:25,database:1009,user_name:1009,address:25,netmask:25,auth_method:25,options:1009,error:25",
                "D 1|host|{all}|{a}|127.0.0.1|255.255.255.255|scram-sha-256|\\N|\\N",
                "D 3|host|{all}|{c}|127.0.0.1|255.255.255.255|md5|\\N|invalid authentication method \"md5\": not supported by this build",
                "C SELECT 2", "Z I"), q("SELECT * FROM pg_hba_file_rules"));
        session.simpleQuery("CREATE ROLE nosu LOGIN", new RecordingSink());
        env.user = "nosu";
        assertEquals(lines("E ERROR 42501 permission denied for view pg_hba_file_rules", "Z I"), q("SELECT * FROM pg_hba_file_rules"));
    }

    @Test
    void syntax_errors_point_at_the_offending_token() {
        assertEquals(lines("E ERROR 42601 syntax error at or near \"SELEC\" @1", "Z I"), q("SELEC 1;"));
        assertEquals(lines("E ERROR 42601 syntax error at or near \";\" @11", "Z I"), q("SELECT 1 +;"));
        assertEquals(lines("E ERROR 42601 syntax error at or near \";\" @14", "Z I"), q("SELECT * FROM;"));
        assertEquals(lines("E ERROR 42601 syntax error at or near \"(\" @14", "Z I"), q("CREATE TABLE (a int);"));
        assertEquals(lines("E ERROR 42601 syntax error at or near \"2\" @10", "Z I"), q("SELECT 1 2;"));
        assertEquals(lines("E ERROR 42601 syntax error at or near \",\" @25", "Z I"), q("INSERT INTO t VALUES (1,,2);"));
        assertEquals(lines("E ERROR 42601 syntax error at or near \";\" @10", "Z I"), q("SELECT (1;"));
        assertEquals(lines("E ERROR 42601 syntax error at end of input @10", "Z I"), q("SELECT (1"));
        assertEquals(lines("T ?column?:25", "D unterminated;\n", "C SELECT 1", "Z I"), q("SELECT 'unterminated;\n';"));
        assertEquals(lines("E ERROR 42P01 relation \"t\" does not exist @13", "Z I"), q("INSERT INTO t VALUES (1, 2)"));
    }

    @Test
    void empty_queries_and_empty_statements() {
        assertEquals(lines("I", "Z I"), q(""));
        assertEquals(lines("I", "Z I"), q(";"));
        assertEquals(lines("I", "Z I"), q("-- only a comment"));
        assertEquals(lines("T one:23", "D 1", "C SELECT 1", "Z I"), q("SELECT 1 AS one;;"));
        assertEquals(lines("T two:23", "D 2", "C SELECT 1", "Z I"), q(";SELECT 2 AS two"));
    }

    @Test
    void transaction_status_follows_xact_states() {
        assertEquals(lines("C BEGIN", "Z T"), q("BEGIN"));
        assertEquals(lines("T ?column?:23", "D 1", "C SELECT 1", "Z T"), q("SELECT 1"));
        assertEquals(lines("E ERROR 22012 division by zero", "Z E"), q("SELECT 1/0"));
        assertEquals(lines("E ERROR 25P02 current transaction is aborted, commands ignored until end of transaction block", "Z E"),
                q("SELECT 1"));
        assertEquals(lines("C ROLLBACK", "Z I"), q("ROLLBACK"));
        assertEquals(lines("T ?column?:23", "D 2", "C SELECT 1", "Z I"), q("SELECT 2"));
        assertEquals(lines("C BEGIN", "T ?column?:23", "D 3", "C SELECT 1", "Z T"), q("BEGIN; SELECT 3"));
        assertEquals(lines("C COMMIT", "Z I"), q("COMMIT"));
        assertEquals(lines("N WARNING 25P01 there is no transaction in progress", "C COMMIT", "Z I"), q("COMMIT"));
        assertEquals(lines("C BEGIN", "Z T"), q("BEGIN"));
        assertEquals(lines("N WARNING 25001 there is already a transaction in progress", "C BEGIN", "Z T"), q("BEGIN"));
        q("SELECT x");
        assertEquals(lines("C ROLLBACK", "Z I"), q("COMMIT"));
    }

    @Test
    void settings_are_transactional_and_shown_by_their_canonical_name() {
        assertEquals(lines("T work_mem:25", "D 4MB", "C SHOW", "Z I"), q("SHOW work_mem"));
        assertEquals(lines("C SET", "Z I"), q("SET work_mem = '8MB'"));
        assertEquals(lines("T work_mem:25", "D 8MB", "C SHOW", "Z I"), q("SHOW work_mem"));
        assertEquals(lines("C SET", "Z I"), q("SET work_mem TO 1024"));
        assertEquals(lines("T work_mem:25", "D 1MB", "C SHOW", "Z I"), q("SHOW work_mem"));
        assertEquals(lines("C RESET", "Z I"), q("RESET work_mem"));
        q("BEGIN");
        assertEquals(lines("C SET", "Z T"), q("SET LOCAL statement_timeout = '5s'"));
        assertEquals(lines("T statement_timeout:25", "D 5s", "C SHOW", "Z T"), q("SHOW statement_timeout"));
        q("COMMIT");
        assertEquals(lines("T statement_timeout:25", "D 0", "C SHOW", "Z I"), q("SHOW statement_timeout"));
        q("BEGIN; SET work_mem = '16MB'");
        q("ROLLBACK");
        assertEquals(lines("T work_mem:25", "D 4MB", "C SHOW", "Z I"), q("SHOW work_mem"));
        assertEquals(lines("T DateStyle:25", "D ISO, MDY", "C SHOW", "Z I"), q("show datestyle"));
        assertEquals(lines("T set_config:25,current_setting:25", "D acc-test|acc-test", "C SELECT 1", "Z I"),
                q("SELECT set_config('application_name', 'acc-test', false), current_setting('application_name')"));
        assertEquals(lines("T missing_ok:16", "D t", "C SELECT 1", "Z I"),
                q("SELECT current_setting('no.such_setting', true) IS NULL AS missing_ok"));
        assertEquals(lines("C SET", "Z I"), q("SET search_path TO public, pg_catalog"));
        assertEquals(lines("T search_path:25", "D public, pg_catalog", "C SHOW", "Z I"), q("SHOW search_path"));
        q("RESET ALL");
        assertEquals(lines("T search_path:25", "D \"$user\", public", "C SHOW", "Z I"), q("SHOW search_path"));
        assertEquals(lines("E ERROR 42704 unrecognized configuration parameter \"no_such_setting\"", "Z I"),
                q("SET no_such_setting = 1"));
        assertEquals(lines("E ERROR 22023 invalid value for parameter \"work_mem\": \"lots\"", "Z I"), q("SET work_mem = 'lots'"));
        assertEquals(lines("T name:25,setting:25,unit:25,vartype:25", "D max_connections|100|\\N|integer",
                "D standard_conforming_strings|on|\\N|bool", "D work_mem|4096|kB|integer", "C SELECT 3", "Z I"),
                q("SELECT name, setting, unit, vartype FROM pg_settings WHERE name IN ('work_mem', 'max_connections', "
                        + "'standard_conforming_strings') ORDER BY name"));
    }

    @Test
    void statement_timeout_cancels_pg_sleep() {
        q("SET statement_timeout = '100ms'");
        long t0 = System.nanoTime();
        // RowDescription goes out before the executor runs, as PostgreSQL's printtup startup sends it
        assertEquals(lines("T pg_sleep:2278", "E ERROR 57014 canceling statement due to statement timeout", "Z I"), q("SELECT pg_sleep(2)"));
        assertTrue(System.nanoTime() - t0 < 1_000_000_000L);
        q("RESET statement_timeout");
        assertEquals(lines("T pg_sleep:2278,?column?:16", "D |f", "C SELECT 1", "Z I"),
                q("SELECT pg_sleep(0.01), pg_sleep(0) IS NULL"));
    }

    @Test
    void generate_series_streams_without_materialising() {
        List<String> seen = new ArrayList<>();
        int[] rows = {0};
        RecordingSink sink = new RecordingSink() {
            @Override public void endRow() {
                rows[0]++;
                if (rows[0] == 100_000) env.process.requestCancel(org.pgkernel.kernel.api.CancelReason.USER_REQUEST);
            }
        };
        try {
            session.simpleQuery("SELECT * FROM generate_series(1, 100000000)", sink);
        } catch (PgException e) {
            seen.add(e.sqlState().code());
        }
        assertEquals(List.of("57014"), seen);
        assertEquals(100_000, rows[0]);
        assertEquals(lines("T g:23", "D 1", "D 2", "D 3", "C SELECT 3", "Z I"),
                q("SELECT g FROM generate_series(1, 3) g ORDER BY g"));
        assertEquals(lines("T generate_series:1114", "D 2020-01-01 00:00:00", "D 2020-01-01 12:00:00", "C SELECT 2", "Z I"),
                q("SELECT * FROM generate_series('2020-01-01'::timestamp, '2020-01-01 12:00', '12 hours')"));
    }

    @Test
    void aggregates_group_and_order() {
        assertEquals(lines("T count:20,sum:20,min:23,max:23,avg:1700,string_agg:25", "D 10|55|1|10|5.5000000000000000|1,2,3,4,5,6,7,8,9,10",
                "C SELECT 1", "Z I"), q("SELECT count(*), sum(g), min(g), max(g), avg(g), string_agg(g::text, ',') FROM generate_series(1,10) g"));
        assertEquals(lines("T m:23,count:20", "D 0|3", "D 1|4", "C SELECT 2", "Z I"),
                q("SELECT g % 2 AS m, count(*) FROM generate_series(1,7) g GROUP BY 1 ORDER BY m"));
        assertEquals(lines("E ERROR 42803 column \"g.g\" must appear in the GROUP BY clause or be used in an aggregate function @8", "Z I"),
                q("select g, count(*) from generate_series(1,3) g"));
        assertEquals(lines("T g:23", "D 3", "D 2", "C SELECT 2", "Z I"),
                q("SELECT g FROM generate_series(1,5) g WHERE g > 1 ORDER BY g DESC LIMIT 2 OFFSET 2"));
        assertEquals(lines("T count:20", "D 0", "C SELECT 1", "Z I"), q("SELECT count(*) FROM generate_series(1,0)"));
    }

    @Test
    void date_time_output_follows_datestyle_intervalstyle_and_timezone() {
        q("SET DateStyle = 'German, DMY'");
        assertEquals(lines("T date:1082", "D 01.03.2020", "C SELECT 1", "Z I"), q("SELECT date '2020-03-01'"));
        q("SET DateStyle = 'ISO, MDY'");
        q("SET TimeZone = 'Europe/Paris'");
        assertEquals(lines("T timestamptz:1184", "D 2020-03-01 12:00:00+01", "C SELECT 1", "Z I"),
                q("SELECT timestamptz '2020-03-01 12:00:00'"));
        assertEquals(lines("T interval:1186,interval:1186", "D 1 year 2 mons 3 days 04:05:06.5|-1 days +02:00:00", "C SELECT 1", "Z I"),
                q("SELECT interval '1 year 2 mons 3 days 04:05:06.5', interval '-1 day 02:00'"));
        q("SET IntervalStyle = 'iso_8601'");
        assertEquals(lines("T interval:1186", "D P1Y2M3DT4H5M6.5S", "C SELECT 1", "Z I"),
                q("SELECT interval '1 year 2 mons 3 days 04:05:06.5'"));
    }

    @Test
    void nonstandard_strings_warn_with_hint_and_position() {
        q("SET standard_conforming_strings = off");
        assertEquals(lines("N WARNING 22P06 nonstandard use of \\\\ in a string literal HINT Use the escape string syntax for backslashes, e.g., E'\\\\'. @8",
                "T ?column?:25", "D a\\b", "C SELECT 1", "Z I"), q("SELECT 'a\\\\b'"));
    }

    @Test
    void functions_reach_the_environment() {
        assertEquals(lines("T version:25", "D PostgreSQL 15.8 (pgkernel 0.1.0) on x86_64-pc-linux-gnu, compiled by OpenJDK 25, 64-bit",
                "C SELECT 1", "Z I"), q("SELECT version()"));
        assertEquals(lines("T pg_backend_pid:23,current_user:19,current_database:19,inet_server_port:23", "D 4242|postgres|postgres|5432",
                "C SELECT 1", "Z I"), q("SELECT pg_backend_pid(), current_user, current_database(), inet_server_port()"));
        assertEquals(lines("T pg_cancel_backend:16", "N WARNING 01000 PID 1 is not a PostgreSQL backend process", "D f", "C SELECT 1", "Z I"),
                q("SELECT pg_cancel_backend(1)"));
        assertEquals(lines("T pg_reload_conf:16", "D t", "C SELECT 1", "Z I"), q("SELECT pg_reload_conf()"));
        assertEquals(1, env.reloads);
        assertEquals(lines("T pid:23,state:25,backend_type:25", "D 4242|active|client backend", "C SELECT 1", "Z I"),
                q("SELECT pid, state, backend_type FROM pg_catalog.pg_stat_activity"));
        assertEquals(lines("T repeat:25,length:23,upper:25,substr:25,concat:25,replace:25,md5:25", "D abab|3|AB|bc|a1|xbx|900150983cd24fb0d6963f7d28e17f72",
                "C SELECT 1", "Z I"), q("SELECT repeat('ab', 2), length('abc'), upper('ab'), substr('abc', 2), concat('a', 1, NULL), "
                + "replace('aba', 'a', 'x'), md5('abc')"));
        assertEquals(lines("C LISTEN", "C NOTIFY", "C UNLISTEN", "Z I"), q("LISTEN ch; NOTIFY ch, 'x'; UNLISTEN *"));
    }

    // ------------------------------------------------------------------ extended protocol

    private static byte[][] values(String... v) {
        byte[][] out = new byte[v.length][];
        for (int i = 0; i < v.length; i++) out[i] = v[i] == null ? null : v[i].getBytes(StandardCharsets.UTF_8);
        return out;
    }

    private interface Step {
        void run(RecordingSink sink);
    }

    /** Runs one extended-protocol cycle: steps, then Sync; an error skips to Sync as the backend does. */
    private List<String> cycle(Step... steps) {
        RecordingSink sink = new RecordingSink();
        try {
            for (Step s : steps) s.run(sink);
        } catch (PgException e) {
            sink.lines.add("E " + e.severity() + " " + e.sqlState().code() + " " + e.getMessage());
        }
        session.sync();
        sink.lines.add("Z " + session.transactionStatus());
        return sink.lines;
    }

    @Test
    void extended_protocol_flows_match_postgres() {
        assertEquals(lines("t 23,23", "T s:23", "T s:23", "D 5", "C SELECT 1", "Z I"), cycle(
                s -> session.parse("", "SELECT $1::int + $2::int AS s", new int[0]),
                s -> session.describeStatement("", s),
                s -> session.bind("", "", new short[0], values("2", "3"), new short[0]),
                s -> session.describePortal("", s),
                s -> session.execute("", 0, s)));
        assertEquals(lines("D a!|9000000000", "C SELECT 1", "D b!|\\N", "C SELECT 1", "Z I"), cycle(
                s -> session.parse("st1", "SELECT $1::text || '!' AS shout, $2::int8 AS big", new int[] {25, 20}),
                s -> session.bind("", "st1", new short[0], values("a", "9000000000"), new short[0]),
                s -> session.execute("", 0, s),
                s -> session.bind("", "st1", new short[0], values("b", null), new short[0]),
                s -> session.execute("", 0, s)));
        session.close('S', "st1");
        assertEquals(lines("E ERROR 26000 prepared statement \"st1\" does not exist", "Z I"), cycle(
                s -> session.bind("", "st1", new short[0], values("x", "1"), new short[0])));
        assertEquals(lines("D 1", "D 2", "s", "D 3", "D 4", "s", "D 5", "C SELECT 1", "Z I"), cycle(
                s -> session.parse("", "SELECT g FROM generate_series(1, 5) g ORDER BY g", new int[0]),
                s -> session.bind("p1", "", new short[0], values(), new short[0]),
                s -> session.execute("p1", 2, s),
                s -> session.execute("p1", 2, s),
                s -> session.execute("p1", 0, s)));
        List<String> bindError = new ArrayList<>();
        assertEquals(lines("E ERROR 22012 division by zero", "Z I"), cycle(
                s -> session.parse("", "SELECT 1 / $1::int AS q", new int[0]),
                s -> {
                    bindError.add("parsed");
                    session.bind("", "", new short[0], values("0"), new short[0]);
                    bindError.add("bound");
                }));
        assertEquals(List.of("parsed"), bindError);
        assertEquals(lines("E ERROR 42601 syntax error at or near \"SELEC\"", "Z I"), cycle(
                s -> session.parse("", "SELEC 1", new int[0])));
        assertEquals(lines("E ERROR 08P01 bind message supplies 1 parameters, but prepared statement \"\" requires 2", "Z I"), cycle(
                s -> session.parse("", "SELECT $1::int + $2::int", new int[0]),
                s -> session.bind("", "", new short[0], values("1"), new short[0])));
        assertEquals(lines("I", "Z I"), cycle(
                s -> session.parse("", "", new int[0]),
                s -> session.bind("", "", new short[0], values(), new short[0]),
                s -> session.execute("", 0, s)));
        assertEquals(lines("D \\x0000000c", "C SELECT 1", "Z I"), cycle(
                s -> session.parse("", "SELECT $1::int AS v", new int[0]),
                s -> session.bind("", "", new short[0], values("12"), new short[] {1}),
                s -> session.execute("", 0, s)));
        assertEquals(lines("E ERROR 42P18 could not determine data type of parameter $1", "Z I"), cycle(
                s -> session.parse("", "SELECT $1 IS NULL", new int[0])));
    }

    @Test
    void binary_formats_match_the_send_functions() {
        assertEquals(lines("D \\x0000000000000001|\\x01|\\x3ff8000000000000|\\x000200000000000400010d80|\\x00000000|\\x0000000000000000",
                "C SELECT 1", "Z I"), cycle(
                s -> session.parse("", "SELECT 1::int8, true, 1.5::float8, 1.3456::numeric, date '2000-01-01', timestamp '2000-01-01'", new int[0]),
                s -> session.bind("", "", new short[0], values(), new short[] {1}),
                s -> session.execute("", 0, s)));
    }
}
