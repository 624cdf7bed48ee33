package org.pgkernel.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Controlling a running server and its sessions: configuration reload (pg_ctl reload and
 * pg_reload_conf()), the connection limit, pg_terminate_backend(). One server with
 * max_connections = 3 and no reserved slots; every test leaves no session behind.
 */
class SessionControlIT {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static Server srv;

    @BeforeAll
    static void start() throws Exception {
        srv = Server.create("max_connections = 3", "superuser_reserved_connections = 0");
        srv.startOrFail();
    }

    @AfterAll
    static void stop() throws Exception {
        if (srv != null) srv.close();
    }

    private static String show(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW " + name)) {
            assertTrue(rs.next());
            return rs.getString(1);
        }
    }

    /**
     * A new session. With only three slots, one may still be held for a moment by the backend
     * of a session just closed (it exits asynchronously, in PostgreSQL too): retry on 53300.
     */
    private static Connection connect() throws InterruptedException {
        return Await.value("a connection slot", WAIT, () -> Optional.of(srv.connect()));
    }

    /** SHOW in a session opened for the purpose. */
    private static String showInNewSession(String name) throws SQLException, InterruptedException {
        try (Connection c = connect()) {
            return show(c, name);
        }
    }

    /** Waits until only the given session is left (backends of closed sessions may take a moment to exit). */
    private static void awaitOnlySession(Connection c) throws InterruptedException {
        Await.until("every other client backend to exit", WAIT, () -> {
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'")) {
                rs.next();
                return rs.getLong(1) == 1;
            }
        });
    }

    @Test
    void pg_ctl_reload_and_pg_reload_conf_apply_a_changed_sighup_setting() throws Exception {
        assertEquals("4MB", showInNewSession("work_mem"));
        assertEquals("-1", showInNewSession("log_min_duration_statement"));
        try (Connection old = connect()) {
            srv.appendConf("work_mem = '8MB'", "log_min_duration_statement = 250");
            Server.Result reload = srv.tool("pg_ctl", "-D", srv.data.toString(), "reload");
            assertEquals(0, reload.code(), reload.output());
            assertEquals("server signaled\n", reload.output());
            Await.until("a new session to show work_mem = 8MB", WAIT, () -> showInNewSession("work_mem").equals("8MB"));
            assertEquals("250ms", showInNewSession("log_min_duration_statement"));
            // as in PostgreSQL, a session that did not SET the parameter takes the new value too
            Await.until("the open session to show work_mem = 8MB", WAIT, () -> show(old, "work_mem").equals("8MB"));

            srv.appendConf("work_mem = '16MB'");
            try (Statement s = old.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_reload_conf()")) {
                assertTrue(rs.next());
                assertTrue(rs.getBoolean(1), "pg_reload_conf() returns true");
            }
            Await.until("a new session to show work_mem = 16MB", WAIT, () -> showInNewSession("work_mem").equals("16MB"));
        }
        String log = srv.log();
        assertTrue(log.contains("LOG:  received SIGHUP, reloading configuration files"), log);
        assertTrue(log.contains("LOG:  parameter \"work_mem\" changed to \"8MB\""), log);
        assertTrue(log.contains("LOG:  parameter \"work_mem\" changed to \"16MB\""), log);
    }

    @Test
    void a_connection_beyond_max_connections_gets_53300() throws Exception {
        List<Connection> open = new ArrayList<>();
        try {
            open.add(connect());
            awaitOnlySession(open.getFirst());
            open.add(srv.connect());
            open.add(srv.connect());
            SQLException e = assertThrows(SQLException.class, srv::connect);
            assertEquals("53300", e.getSQLState(), e.getMessage());
            assertTrue(e.getMessage().contains("sorry, too many clients already"), e.getMessage());
            // the three sessions are unharmed, and a slot freed is a slot taken again
            for (Connection c : open) assertEquals("1", query1(c));
            open.removeLast().close();
            Connection again = connect();
            open.add(again);
            assertEquals("1", query1(again));
        } finally {
            for (Connection c : open) c.close();
        }
    }

    @Test
    void pg_terminate_backend_ends_another_session_with_57P01() throws Exception {
        try (Connection victim = connect(); Connection killer = connect()) {
            int pid = Sessions.pid(victim);
            Future<Void> sleep = Sessions.executeInBackground(victim, "SELECT pg_sleep(30)");
            Sessions.awaitActive(killer, pid, sleep);
            try (PreparedStatement ps = killer.prepareStatement("SELECT pg_terminate_backend(?)")) {
                ps.setInt(1, pid);
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    assertTrue(rs.getBoolean(1), "pg_terminate_backend returns true");
                }
            }
            SQLException e = Sessions.failure(sleep, Duration.ofSeconds(5));
            assertEquals("57P01", e.getSQLState(), e.getMessage());
            assertTrue(e.getMessage().contains("terminating connection due to administrator command"), e.getMessage());
            assertTrue(victim.isClosed() || !victim.isValid(2), "the victim's connection is gone");
            // the terminated backend leaves pg_stat_activity; the killer goes on
            Await.until("backend " + pid + " to leave pg_stat_activity", WAIT, () -> {
                try (PreparedStatement ps = killer.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE pid = ?")) {
                    ps.setInt(1, pid);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getLong(1) == 0;
                    }
                }
            });
        }
        String log = srv.log();
        assertTrue(log.contains("FATAL:  terminating connection due to administrator command"), log);
    }

    @Test
    void pg_terminate_backend_of_a_pid_that_is_no_backend_warns_and_returns_false() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_terminate_backend(1)")) {
            assertTrue(rs.next());
            assertEquals(false, rs.getBoolean(1));
            SQLException w = s.getWarnings();
            assertTrue(w != null && w.getMessage().contains("PID 1 is not a PostgreSQL backend process"), String.valueOf(w));
        }
    }

    private static String query1(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            assertTrue(rs.next());
            return rs.getString(1);
        }
    }
}
