package org.pgkernel.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The assembled distribution: initdb, pg_ctl start/status/stop and a pgjdbc session. */
class DistributionIT {

    @Test
    void starts_serves_a_jdbc_query_and_stops_cleanly() throws Exception {
        try (Server srv = Server.create()) {
            Server.Result started = srv.start();
            assertEquals(0, started.code(), started.output());
            assertTrue(started.output().contains("server started"), started.output());
            Server.Result status = srv.tool("pg_ctl", "-D", srv.data.toString(), "status");
            assertEquals(0, status.code(), status.output());
            try (Connection c = srv.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
                assertTrue(rs.next());
                assertEquals(1, rs.getInt(1));
            }
            Server.Result stopped = srv.stop("fast");
            assertEquals(0, stopped.code(), stopped.output());
            assertFalse(Files.exists(srv.data.resolve("postmaster.pid")));
            assertEquals(3, srv.tool("pg_ctl", "-D", srv.data.toString(), "status").code());
            String log = srv.log();
            assertTrue(log.contains("LOG:  database system is ready to accept connections"), log);
            assertFalse(log.contains("not properly shut down"), log);
        }
    }

    /**
     * A pg_hba.conf that does not load stops the start at once, as PostgreSQL's postmaster
     * refuses to start: the bad line is logged with its file and line, then FATAL, exit 1.
     */
    @Test
    void a_pg_hba_conf_that_does_not_load_fails_the_start() throws Exception {
        try (Server srv = Server.create()) {
            srv.writeHba("host all all 127.0.0.1/32 bogus", "host all all 127.0.0.1/32 trust");
            long t0 = System.nanoTime();
            Server.Result started = srv.start();
            assertTrue(started.code() != 0, started.output());
            assertTrue(started.output().contains("could not start server"), started.output());
            assertTrue(System.nanoTime() - t0 < 30_000_000_000L, "pg_ctl gave up only after 30 s");
            String log = srv.log();
            assertTrue(log.contains("LOG:  invalid authentication method \"bogus\"\n"), log);
            assertTrue(log.contains("CONTEXT:  line 1 of configuration file \"" + srv.data.resolve("pg_hba.conf") + "\"\n"), log);
            assertTrue(log.contains("FATAL:  could not load " + srv.data.resolve("pg_hba.conf") + "\n"), log);
        }
    }

    @Test
    void a_start_after_an_immediate_stop_recovers_and_a_clean_one_does_not() throws Exception {
        try (Server srv = Server.create()) {
            assertEquals(0, srv.start().code());
            assertEquals(0, srv.stop("immediate").code());
            assertEquals(0, srv.start().code());
            assertTrue(srv.log().contains("database system was not properly shut down; automatic recovery in progress"), srv.log());
            assertEquals(0, srv.stop("fast").code());
        }
    }
}
