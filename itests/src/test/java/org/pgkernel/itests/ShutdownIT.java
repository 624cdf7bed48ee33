package org.pgkernel.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * pg_ctl stop -m smart and -m fast with sessions open, as PostgreSQL behaves: smart refuses
 * new connections (57P03) and waits for the open ones; fast terminates them (57P01). The
 * immediate mode and the recovery after it are DistributionIT's. One data directory for the
 * class, started again before each test.
 */
class ShutdownIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static Server srv;

    @BeforeAll
    static void create() throws Exception {
        srv = Server.create();
    }

    @BeforeEach
    void startIfStopped() throws Exception {
        if (!srv.isRunning()) srv.startOrFail();
    }

    @AfterAll
    static void stop() throws Exception {
        if (srv != null) srv.close();
    }

    @Test
    void smart_shutdown_refuses_new_sessions_and_waits_for_the_open_one() throws Exception {
        Command.Running stop;
        try (Connection open = srv.connect()) {
            assertEquals(1, query1(open));
            stop = srv.stopInBackground("smart");
            SQLException refused = Await.value("a new connection to be refused with 57P03", WAIT, () -> {
                try {
                    srv.connect().close();
                    return Optional.empty(); // the postmaster has not seen the request yet
                } catch (SQLException e) {
                    if ("57P03".equals(e.getSQLState())) return Optional.of(e);
                    throw e;
                }
            });
            assertTrue(refused.getMessage().contains("the database system is shutting down"), refused.getMessage());
            // the open session keeps working, and the server keeps waiting for it
            for (int i = 0; i < 3; i++) assertEquals(1, query1(open));
            assertTrue(stop.isAlive(), "pg_ctl stop -m smart returned while a session was open");
            assertTrue(srv.isRunning());
        }
        Command.Result r = stop.await(Duration.ofSeconds(60));
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.stdout().contains("server stopped"), r.toString());
        assertFalse(srv.isRunning(), "postmaster.pid is gone");
        String log = srv.log();
        assertTrue(log.contains("LOG:  received smart shutdown request"), log);
        assertTrue(log.contains("LOG:  database system is shut down"), log);
    }

    @Test
    void fast_shutdown_terminates_open_sessions_with_57P01() throws Exception {
        try (Connection busy = srv.connect(); Connection idle = srv.connect()) {
            Future<Void> sleep = Sessions.executeInBackground(busy, "SELECT pg_sleep(30)");
            Sessions.awaitActive(idle, Sessions.pid(busy), sleep);
            Server.Result r = srv.stop("fast");
            assertEquals(0, r.code(), r.output());
            assertTrue(r.output().contains("server stopped"), r.output());
            SQLException e = Sessions.failure(sleep, Duration.ofSeconds(5));
            assertEquals("57P01", e.getSQLState(), e.getMessage());
            assertTrue(e.getMessage().contains("terminating connection due to administrator command"), e.getMessage());
            // the idle session is gone too
            assertThrows(SQLException.class, () -> query1(idle));
        }
        assertFalse(srv.isRunning(), "postmaster.pid is gone");
        String log = srv.log();
        assertTrue(log.contains("LOG:  received fast shutdown request"), log);
        assertTrue(log.contains("LOG:  database system is shut down"), log);
    }

    private static int query1(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            assertTrue(rs.next());
            return rs.getInt(1);
        }
    }
}
