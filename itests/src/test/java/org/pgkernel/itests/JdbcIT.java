package org.pgkernel.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGResultSetMetaData;
import org.postgresql.PGStatement;

/**
 * pgjdbc against the assembled distribution: extended-protocol parameters of the common
 * types in text and in binary, named server-side statements reused across executions, and
 * cancel. One server for the class: the tests do not disturb each other.
 */
class JdbcIT {
    private static final String SELECT_TYPED =
            "SELECT ?::int4, ?::int8, ?::text, ?::numeric, ?::bool, ?::timestamp, ?::date";
    private static final List<String> TYPE_NAMES = List.of("int4", "int8", "text", "numeric", "bool", "timestamp", "date");
    private static final List<Integer> JDBC_TYPES = List.of(Types.INTEGER, Types.BIGINT, Types.VARCHAR, Types.NUMERIC,
            Types.BIT, Types.TIMESTAMP, Types.DATE);
    /**
     * The result formats pgjdbc asks for with binaryTransfer: binary for the types it decodes
     * in binary, text for text and bool (as against PostgreSQL 15 itself).
     */
    private static final List<Integer> BINARY_FORMATS = List.of(1, 1, 0, 1, 0, 1, 1);

    private static final BigDecimal NUMERIC = new BigDecimal("-12345678901234567890.0123456789");
    private static final LocalDateTime TIMESTAMP = LocalDateTime.of(2024, 2, 29, 13, 45, 30, 123_456_000);
    /** Before 2000-01-01: the binary date is a negative day count. */
    private static final LocalDate DATE = LocalDate.of(1999, 12, 31);
    private static final String TEXT = "h\u00e9llo 'w\u00f6rld' \u20ac";

    private static Server srv;

    @BeforeAll
    static void start() throws Exception {
        srv = Server.create();
        srv.startOrFail();
    }

    @AfterAll
    static void stop() throws Exception {
        if (srv != null) srv.close();
    }

    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) p.setProperty(kv[i], kv[i + 1]);
        return p;
    }

    @Test
    void parameters_of_seven_types_round_trip_as_text() throws Exception {
        // the defaults: the first executions use the unnamed statement and text results
        try (Connection c = srv.connect()) {
            assertTypedRoundTrip(c, 0);
        }
    }

    @Test
    void parameters_of_seven_types_round_trip_in_binary() throws Exception {
        // prepareThreshold=-1: a named statement from the first execution, described first,
        // so that pgjdbc asks for binary results and sends binary parameters
        try (Connection c = srv.connect(props("prepareThreshold", "-1", "binaryTransfer", "true"))) {
            assertTypedRoundTrip(c, 1);
        }
    }

    private static void assertTypedRoundTrip(Connection c, int expectedFormat) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT_TYPED)) {
            for (int round = 0; round < 3; round++) {
                ps.setInt(1, Integer.MIN_VALUE + round);
                ps.setLong(2, Long.MAX_VALUE - round);
                ps.setString(3, TEXT + round);
                ps.setBigDecimal(4, NUMERIC.add(BigDecimal.valueOf(round)));
                ps.setBoolean(5, round % 2 == 0);
                ps.setObject(6, TIMESTAMP.plusDays(round));
                ps.setObject(7, DATE.minusDays(round));
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals(Integer.MIN_VALUE + round, rs.getInt(1));
                    assertEquals(Long.MAX_VALUE - round, rs.getLong(2));
                    assertEquals(TEXT + round, rs.getString(3));
                    assertEquals(0, NUMERIC.add(BigDecimal.valueOf(round)).compareTo(rs.getBigDecimal(4)), rs.getString(4));
                    assertEquals(NUMERIC.add(BigDecimal.valueOf(round)).toPlainString(), rs.getBigDecimal(4).toPlainString());
                    assertEquals(round % 2 == 0, rs.getBoolean(5));
                    assertEquals(TIMESTAMP.plusDays(round), rs.getObject(6, LocalDateTime.class));
                    assertEquals(DATE.minusDays(round), rs.getObject(7, LocalDate.class));
                    assertFalse(rs.next());
                    ResultSetMetaData md = rs.getMetaData();
                    PGResultSetMetaData pgmd = md.unwrap(PGResultSetMetaData.class);
                    assertEquals(TYPE_NAMES.size(), md.getColumnCount());
                    for (int i = 1; i <= TYPE_NAMES.size(); i++) {
                        assertEquals(TYPE_NAMES.get(i - 1), md.getColumnTypeName(i), "column " + i);
                        assertEquals((int) JDBC_TYPES.get(i - 1), md.getColumnType(i), "column " + i);
                        if (expectedFormat == 1) {
                            assertEquals((int) BINARY_FORMATS.get(i - 1), pgmd.getFormat(i), "format of column " + i + " in round " + round);
                        }
                    }
                    if (expectedFormat == 0 && round == 0) {
                        for (int i = 1; i <= TYPE_NAMES.size(); i++) assertEquals(0, pgmd.getFormat(i), "format of column " + i);
                    }
                }
            }
            for (int i = 1; i <= 7; i++) ps.setNull(i, Types.NULL);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                for (int i = 1; i <= 7; i++) assertNull(rs.getObject(i), "column " + i);
            }
        }
    }

    @Test
    void a_named_server_side_statement_is_reused_across_executions_and_errors() throws Exception {
        // prepareThreshold=1: from the first execution on, pgjdbc parses each statement once
        // under a name (S_1, S_2) and from then on sends only Bind/Execute naming it; a server
        // that lost the statement would answer 26000
        try (Connection c = srv.connect(props("prepareThreshold", "1"));
             PreparedStatement div = c.prepareStatement("SELECT 100 / ?::int4");
             PreparedStatement concat = c.prepareStatement("SELECT ?::text || '-' || ?::int8")) {
            for (int i = 1; i <= 10; i++) {
                div.setInt(1, i);
                try (ResultSet rs = div.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals(100 / i, rs.getInt(1));
                }
                concat.setString(1, "k" + i);
                concat.setLong(2, 1L << (30 + i));
                try (ResultSet rs = concat.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals("k" + i + "-" + (1L << (30 + i)), rs.getString(1));
                }
                assertTrue(div.unwrap(PGStatement.class).isUseServerPrepare(), "pgjdbc uses a named statement");
            }
            // an error during Execute of the named statement does not drop it
            div.setInt(1, 0);
            SQLException e = assertThrows(SQLException.class, div::executeQuery);
            assertEquals("22012", e.getSQLState(), e.getMessage());
            div.setInt(1, 4);
            try (ResultSet rs = div.executeQuery()) {
                assertTrue(rs.next());
                assertEquals(25, rs.getInt(1));
            }
        }
    }

    @Test
    void statement_cancel_ends_pg_sleep_with_57014_and_the_session_goes_on() throws Exception {
        assertCancelEnds("SELECT pg_sleep(10)");
    }

    /**
     * pg_stat_activity shows a statement active from its Parse message on. A cancel that
     * arrives while the backend still parses it (a long IN list makes that take a while) is
     * kept pending by PostgreSQL and ends the statement at its next interrupt check; only a
     * cancel that arrives while the backend waits for a message is dropped.
     */
    @Test
    void a_cancel_that_arrives_while_the_statement_is_being_parsed_is_not_lost() throws Exception {
        StringBuilder in = new StringBuilder("SELECT pg_sleep(10) WHERE 1 IN (0");
        for (int i = 1; i < 200_000; i++) in.append(',').append(i);
        assertCancelEnds(in.append(')').toString());
    }

    private static void assertCancelEnds(String sql) throws Exception {
        try (Connection victim = srv.connect(); Connection watcher = srv.connect();
             Statement s = victim.createStatement()) {
            Future<Boolean> sleep = Sessions.inBackground(() -> s.execute(sql));
            Sessions.awaitActive(watcher, Sessions.pid(victim), sleep);
            long t0 = System.nanoTime();
            s.cancel();
            SQLException e;
            try {
                e = Sessions.failure(sleep, Duration.ofSeconds(5));
            } finally {
                // a lost cancel must not leave the session busy for the rest of pg_sleep(10);
                // pgjdbc sends one cancel per execution, so this one goes through the watcher
                if (!sleep.isDone()) cancelBackend(watcher, Sessions.pid(victim));
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals("57014", e.getSQLState(), e.getMessage());
            assertTrue(e.getMessage().contains("canceling statement due to user request"), e.getMessage());
            assertTrue(ms < 5000, "cancel took " + ms + " ms");
            try (ResultSet rs = s.executeQuery("SELECT 1")) {
                assertTrue(rs.next());
                assertEquals(1, rs.getInt(1));
            }
        }
    }

    private static void cancelBackend(Connection watcher, int pid) throws SQLException {
        try (PreparedStatement ps = watcher.prepareStatement("SELECT pg_cancel_backend(?)")) {
            ps.setInt(1, pid);
            ps.executeQuery().close();
        }
    }

    @Test
    void pg_stat_activity_shows_pg_sleep_waiting_on_timeout_pgsleep() throws Exception {
        try (Connection victim = srv.connect(); Connection watcher = srv.connect();
             Statement s = victim.createStatement()) {
            int pid = Sessions.pid(victim);
            Future<Boolean> sleep = Sessions.inBackground(() -> s.execute("SELECT pg_sleep(10)"));
            try {
                Sessions.awaitActive(watcher, pid, sleep);
                // as PostgreSQL 15 shows it: wait_event_type Timeout, wait_event PgSleep
                String seen = Await.value("pg_stat_activity to show backend " + pid + " waiting on Timeout/PgSleep",
                        Duration.ofSeconds(5), () -> {
                            try (PreparedStatement ps = watcher.prepareStatement(
                                    "SELECT wait_event_type, wait_event FROM pg_stat_activity WHERE pid = ?")) {
                                ps.setInt(1, pid);
                                try (ResultSet rs = ps.executeQuery()) {
                                    if (!rs.next()) return Optional.empty();
                                    String w = rs.getString(1) + "/" + rs.getString(2);
                                    return w.equals("Timeout/PgSleep") ? Optional.of(w) : Optional.empty();
                                }
                            }
                        });
                assertEquals("Timeout/PgSleep", seen);
            } finally {
                s.cancel();
                try {
                    sleep.get(10, TimeUnit.SECONDS);
                } catch (ExecutionException expected) {
                    // canceled
                }
            }
        }
    }
}
