package org.pgkernel.kernel.internal.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.pgkernel.kernel.api.Activity;
import org.pgkernel.kernel.api.BackendType;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.SqlState;
import org.junit.jupiter.api.Test;

class ProcArrayTest {
    private static ProcArray array(int maxConnections, int others, int querySize) {
        MemorySegment seg = Arena.ofAuto().allocate(ProcArray.sizeFor(maxConnections, others, querySize), 64);
        return new ProcArray(seg, maxConnections, others, querySize);
    }

    private static Activity row(ProcArray pa, int pid) {
        return pa.read().stream().filter(a -> a.pid() == pid).findFirst().orElseThrow();
    }

    @Test
    void claimedSlotShowsSessionAndQuery() {
        ProcArray pa = array(3, 2, 1024);
        Proc p = new Proc(4711, 1, BackendType.CLIENT_BACKEND, "postgres");
        ProcArray.Slot s = pa.claim(p);
        s.reportSession(5, "postgres", 10, "alice", "127.0.0.1", 40000, "psql");
        s.reportActivity("active", "SELECT 'marker query' AS m");
        Activity a = row(pa, 4711);
        assertEquals("active", a.state());
        assertEquals("SELECT 'marker query' AS m", a.query());
        assertEquals("alice", a.usename());
        assertEquals("postgres", a.datname());
        assertEquals("psql", a.applicationName());
        assertEquals("127.0.0.1", a.clientAddr());
        assertEquals(40000, a.clientPort());
        assertEquals("client backend", a.backendType());

        s.reportActivity("idle", null);
        a = row(pa, 4711);
        assertEquals("idle", a.state());
        assertEquals("SELECT 'marker query' AS m", a.query(), "an idle session shows its last query");
    }

    @Test
    void pgStatSslShowsClientBackendsWithTheirTlsStateAndCutsLongNames() {
        ProcArray pa = array(3, 2, 100);
        ProcArray.Slot tls = pa.claim(new Proc(21, 1, BackendType.CLIENT_BACKEND, "postgres"));
        ProcArray.Slot plain = pa.claim(new Proc(22, 1, BackendType.CLIENT_BACKEND, "postgres"));
        pa.claim(new Proc(23, 1, BackendType.CLIENT_BACKEND, "postgres")); // not yet authenticated
        pa.claim(new Proc(24, 1, BackendType.CHECKPOINTER, "postgres"));
        String longDn = "/CN=" + "x".repeat(100);
        tls.reportSsl("TLSv1.3", "TLS_AES_256_GCM_SHA384", 256, longDn, "4660", "/CN=ca");
        tls.reportSession(5, "postgres", 10, "alice", "127.0.0.1", 40000, "psql");
        plain.reportSession(5, "postgres", 10, "bob", "", -1, "psql");

        List<org.pgkernel.kernel.api.SslStatus> rows = pa.readSsl();
        assertEquals(List.of(21, 22), rows.stream().map(org.pgkernel.kernel.api.SslStatus::pid).toList());
        var t = rows.get(0);
        assertTrue(t.ssl());
        assertEquals("TLSv1.3", t.version());
        assertEquals("TLS_AES_256_GCM_SHA384", t.cipher());
        assertEquals(256, t.bits());
        assertEquals(longDn.substring(0, 63), t.clientDn(), "cut to NAMEDATALEN - 1 bytes");
        assertEquals("4660", t.clientSerial());
        assertEquals("/CN=ca", t.issuerDn());
        assertEquals(new org.pgkernel.kernel.api.SslStatus(22, false, null, null, null, null, null, null), rows.get(1));
        assertEquals("alice", row(pa, 21).usename(), "pg_stat_activity is unchanged");
    }

    @Test
    void aProcessWaitEventShowsInItsSlot() {
        ProcArray pa = array(2, 1, 100);
        Proc p = new Proc(11, 1, BackendType.CLIENT_BACKEND, "postgres");
        pa.claim(p);
        p.setWaitEvent("Timeout", "PgSleep");
        assertEquals("Timeout", row(pa, 11).waitEventType());
        assertEquals("PgSleep", row(pa, 11).waitEvent());
        p.setWaitEvent(null, null);
        assertNull(row(pa, 11).waitEventType());
        pa.release(p);
        p.setWaitEvent("Timeout", "PgSleep"); // after release the slot is not touched
        assertTrue(pa.read().isEmpty());
    }

    @Test
    void unixSocketSessionReportsPortMinusOne() {
        ProcArray pa = array(2, 1, 100);
        ProcArray.Slot s = pa.claim(new Proc(7, 1, BackendType.CLIENT_BACKEND, "postgres"));
        s.reportSession(5, "postgres", 10, "postgres", null, -1, "");
        s.reportActivity("idle", null);
        Activity a = row(pa, 7);
        assertNull(a.clientAddr());
        assertEquals(-1, a.clientPort());
    }

    @Test
    void queryIsTruncatedToTrackActivityQuerySizeWithoutSplittingCharacters() {
        ProcArray pa = array(1, 0, 100);
        ProcArray.Slot s = pa.claim(new Proc(8, 1, BackendType.CLIENT_BACKEND, "postgres"));
        String q = "SELECT '" + "é".repeat(200) + "'";
        s.reportActivity("active", q);
        String shown = row(pa, 8).query();
        assertTrue(shown.length() < q.length());
        assertTrue(shown.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 99);
        assertTrue(q.startsWith(shown));
    }

    @Test
    void clientSlotsAreLimitedByMaxConnections() {
        ProcArray pa = array(2, 1, 100);
        pa.claim(new Proc(1, 1, BackendType.CLIENT_BACKEND, "a"));
        Proc second = new Proc(2, 1, BackendType.CLIENT_BACKEND, "b");
        pa.claim(second);
        PgException e = assertThrows(PgException.class, () -> pa.claim(new Proc(3, 1, BackendType.CLIENT_BACKEND, "c")));
        assertEquals(SqlState.TOO_MANY_CONNECTIONS, e.sqlState());
        assertEquals("sorry, too many clients already", e.getMessage());
        // auxiliary processes have their own slots
        pa.claim(new Proc(4, 1, BackendType.CHECKPOINTER, "checkpointer"));
        // a released slot is free again
        pa.release(second);
        pa.claim(new Proc(5, 1, BackendType.CLIENT_BACKEND, "e"));
        assertEquals(List.of(1, 5, 4), pa.read().stream().map(Activity::pid).toList());
    }

    @Test
    void auxiliaryProcessesHaveNoStateOrQuery() {
        ProcArray pa = array(1, 1, 100);
        ProcArray.Slot s = pa.claim(new Proc(9, 1, BackendType.CHECKPOINTER, "checkpointer"));
        s.reportActivity("active", "secret");
        Activity a = row(pa, 9);
        assertNull(a.state());
        assertEquals("", a.query());
        assertEquals("checkpointer", a.backendType());
    }

    @Test
    void readersNeverSeeATornSlot() throws Exception {
        ProcArray pa = array(1, 0, 200);
        ProcArray.Slot s = pa.claim(new Proc(10, 1, BackendType.CLIENT_BACKEND, "postgres"));
        s.reportActivity("active", "A".repeat(150));
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = Thread.ofPlatform().start(() -> {
            int i = 0;
            while (!stop.get()) {
                char c = (char) ('A' + (i++ % 26));
                s.reportActivity((i & 1) == 0 ? "active" : "idle", String.valueOf(c).repeat(150));
            }
        });
        try {
            for (int i = 0; i < 20_000; i++) {
                String q = row(pa, 10).query();
                assertEquals(150, q.length());
                assertEquals(q.charAt(0) + "".repeat(0), q.substring(0, 1));
                assertTrue(q.chars().allMatch(ch -> ch == q.charAt(0)), "torn read: " + q);
            }
        } finally {
            stop.set(true);
            writer.join();
        }
    }
}
