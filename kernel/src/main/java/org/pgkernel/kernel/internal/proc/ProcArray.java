package org.pgkernel.kernel.internal.proc;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.pgkernel.kernel.api.Activity;
import org.pgkernel.kernel.api.BackendStatus;
import org.pgkernel.kernel.api.BackendType;
import org.pgkernel.kernel.api.ErrorSeverity;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.SqlState;
import org.pgkernel.kernel.api.SslStatus;

/**
 * The process array in shared memory: one fixed-size slot per process that is attached to
 * shared memory, holding what pg_stat_activity shows (cf. procarray.c and
 * backend_status.c's PgBackendStatus).
 *
 * <p>Layout of a slot (offsets in bytes):
 * <pre>
 *   0 int   changecount   odd while the owner writes (st_changecount protocol)
 *   4 int   pid           0 = free; claimed by CAS from 0
 *   8 int   backend type  BackendType ordinal
 *  12 int   state         index into STATES
 *  16 int   client port   -1 = Unix socket, 0 = none (NULL)
 *  20 int   datid
 *  24 int   usesysid
 *  32 long  backend_start  (epoch microseconds, 0 = null)
 *  40 long  xact_start
 *  48 long  query_start
 *  56 long  state_change
 *  64 int   ssl           1 = the connection uses TLS (pg_stat_ssl), 0 = not
 *  68 int   ssl bits
 *  72 ...   strings, each a 2-byte length followed by its UTF-8 bytes (truncated to capacity):
 *           datname, usename, application_name, client_addr, wait event type, wait event,
 *           then pg_stat_ssl's version, cipher, client_dn, client_serial, issuer_dn
 *           (NAMEDATALEN - 1 bytes each, as PgBackendSSLStatus), then the query
 * </pre>
 * Slots [0, maxConnections) are for client backends, the rest for auxiliary processes,
 * background workers and WAL senders (cf. MaxBackends).
 *
 * <p>Concurrency: only the owner writes its slot, bracketed by two increments of
 * changecount; readers copy a slot and retry while changecount is odd or changed (no locks,
 * as pgstat_read_current_status()). Claiming a slot is a CAS on pid.
 */
public final class ProcArray {
    static final String[] STATES = {"", "active", "idle", "idle in transaction",
            "idle in transaction (aborted)", "fastpath function call", "disabled", "starting"};

    private static final int OFF_CHANGE = 0, OFF_PID = 4, OFF_TYPE = 8, OFF_STATE = 12, OFF_PORT = 16,
            OFF_DATID = 20, OFF_USESYSID = 24, OFF_BSTART = 32, OFF_XSTART = 40, OFF_QSTART = 48, OFF_SCHANGE = 56,
            OFF_SSL = 64, OFF_SSLBITS = 68, OFF_STRINGS = 72;
    private static final int CAP_DATNAME = 64, CAP_USENAME = 64, CAP_APPNAME = 64, CAP_ADDR = 48,
            CAP_WAITTYPE = 32, CAP_WAIT = 64, CAP_SSL = 64, CAP_SSLVERSION = 16;
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final MemorySegment mem;
    private final int maxConnections;
    private final int totalSlots;
    private final int queryCapacity;
    private final int slotSize;
    private final int offDatname, offUsename, offAppname, offAddr, offWaitType, offWait, offQuery;
    private final int offSslVersion, offSslCipher, offSslClientDn, offSslClientSerial, offSslIssuerDn;

    public static long sizeFor(int maxConnections, int otherSlots, int trackActivityQuerySize) {
        return (long) (maxConnections + otherSlots) * slotSize(trackActivityQuerySize);
    }

    private static int slotSize(int q) {
        int s = OFF_STRINGS + 2 * 12 + CAP_DATNAME + CAP_USENAME + CAP_APPNAME + CAP_ADDR + CAP_WAITTYPE + CAP_WAIT
                + CAP_SSLVERSION + 4 * CAP_SSL + q;
        return (s + 63) & ~63;
    }

    public ProcArray(MemorySegment mem, int maxConnections, int otherSlots, int trackActivityQuerySize) {
        this.mem = mem;
        this.maxConnections = maxConnections;
        this.totalSlots = maxConnections + otherSlots;
        this.queryCapacity = trackActivityQuerySize;
        this.slotSize = slotSize(trackActivityQuerySize);
        int o = OFF_STRINGS;
        offDatname = o; o += 2 + CAP_DATNAME;
        offUsename = o; o += 2 + CAP_USENAME;
        offAppname = o; o += 2 + CAP_APPNAME;
        offAddr = o; o += 2 + CAP_ADDR;
        offWaitType = o; o += 2 + CAP_WAITTYPE;
        offWait = o; o += 2 + CAP_WAIT;
        offSslVersion = o; o += 2 + CAP_SSLVERSION;
        offSslCipher = o; o += 2 + CAP_SSL;
        offSslClientDn = o; o += 2 + CAP_SSL;
        offSslClientSerial = o; o += 2 + CAP_SSL;
        offSslIssuerDn = o; o += 2 + CAP_SSL;
        offQuery = o;
    }

    /**
     * Claims a slot for the process (InitProcess()). Client backends beyond max_connections get
     * FATAL 53300 "sorry, too many clients already".
     */
    public Slot claim(Proc proc) {
        boolean client = proc.backendType() == BackendType.CLIENT_BACKEND;
        int from = client ? 0 : maxConnections;
        int to = client ? maxConnections : totalSlots;
        for (int i = from; i < to; i++) {
            long base = (long) i * slotSize;
            if ((int) INT.getVolatile(mem, base + OFF_PID) == 0
                    && INT.compareAndSet(mem, base + OFF_PID, 0, proc.pid())) {
                proc.slot = i;
                Slot s = new Slot(base);
                proc.status = s;
                s.begin();
                mem.set(ValueLayout.JAVA_INT, base + OFF_TYPE, proc.backendType().ordinal());
                mem.set(ValueLayout.JAVA_INT, base + OFF_STATE, client ? 7 : 0);
                mem.set(ValueLayout.JAVA_INT, base + OFF_PORT, 0);
                mem.set(ValueLayout.JAVA_INT, base + OFF_DATID, 0);
                mem.set(ValueLayout.JAVA_INT, base + OFF_USESYSID, 0);
                long now = micros(Instant.now());
                mem.set(ValueLayout.JAVA_LONG, base + OFF_BSTART, now);
                mem.set(ValueLayout.JAVA_LONG, base + OFF_XSTART, 0L);
                mem.set(ValueLayout.JAVA_LONG, base + OFF_QSTART, 0L);
                mem.set(ValueLayout.JAVA_LONG, base + OFF_SCHANGE, client ? now : 0L);
                mem.set(ValueLayout.JAVA_INT, base + OFF_SSL, 0);
                mem.set(ValueLayout.JAVA_INT, base + OFF_SSLBITS, 0);
                for (int off : new int[] {offDatname, offUsename, offAppname, offAddr, offWaitType, offWait, offQuery,
                        offSslVersion, offSslCipher, offSslClientDn, offSslClientSerial, offSslIssuerDn}) {
                    mem.set(ValueLayout.JAVA_SHORT, base + off, (short) 0);
                }
                s.end();
                return s;
            }
        }
        throw new PgException(ErrorSeverity.FATAL, SqlState.TOO_MANY_CONNECTIONS, "sorry, too many clients already",
                null, null, 0, null, null);
    }

    /** Frees the slot of a process that exits (ProcKill()). */
    public void release(Proc proc) {
        int i = proc.slot;
        if (i < 0) return;
        long base = (long) i * slotSize;
        proc.status = null;
        INT.setVolatile(mem, base + OFF_PID, 0);
        proc.slot = -1;
    }

    /** Copies one occupied slot (given its base offset and pid); null leaves the slot out. */
    private interface SlotCopy<T> {
        T copy(long base, int pid);
    }

    /**
     * A consistent copy of every occupied slot, as pgstat_read_current_status() takes it: a
     * slot is copied again until its changecount was even and unchanged around the copy. A
     * writer holds the slot odd only for a few stores, so the reader yields now and then and
     * never gives up.
     */
    private <T> List<T> readConsistent(SlotCopy<T> copy) {
        List<T> rows = new ArrayList<>();
        for (int i = 0; i < totalSlots; i++) {
            long base = (long) i * slotSize;
            if ((int) INT.getVolatile(mem, base + OFF_PID) == 0) continue;
            for (int attempt = 1; ; attempt++) {
                if (attempt % 64 == 0) Thread.yield();
                int before = (int) INT.getVolatile(mem, base + OFF_CHANGE);
                if ((before & 1) != 0) { Thread.onSpinWait(); continue; }
                int pid = mem.get(ValueLayout.JAVA_INT, base + OFF_PID);
                if (pid == 0) break;
                T row = copy.copy(base, pid);
                if ((int) INT.getVolatile(mem, base + OFF_CHANGE) != before) continue;
                if (row != null) rows.add(row);
                break;
            }
        }
        return rows;
    }

    /** pg_stat_activity: a consistent copy of every occupied slot. */
    public List<Activity> read() {
        BackendType[] types = BackendType.values();
        return readConsistent((base, pid) -> {
            BackendType type = types[mem.get(ValueLayout.JAVA_INT, base + OFF_TYPE)];
            int stateIdx = mem.get(ValueLayout.JAVA_INT, base + OFF_STATE);
            int port = mem.get(ValueLayout.JAVA_INT, base + OFF_PORT);
            int datid = mem.get(ValueLayout.JAVA_INT, base + OFF_DATID);
            int usesysid = mem.get(ValueLayout.JAVA_INT, base + OFF_USESYSID);
            String datname = str(base + offDatname);
            String usename = str(base + offUsename);
            String app = str(base + offAppname);
            String addr = str(base + offAddr);
            String wtype = str(base + offWaitType);
            String wait = str(base + offWait);
            boolean client = type == BackendType.CLIENT_BACKEND;
            String state = client ? (stateIdx == 7 ? null : STATES[stateIdx]) : null;
            return new Activity(datid, datid == 0 ? null : datname, pid, null, usesysid,
                    usesysid == 0 ? null : usename, client ? app : "", client && !addr.isEmpty() ? addr : null,
                    null, client && port != 0 ? Integer.valueOf(port) : null,
                    instant(mem.get(ValueLayout.JAVA_LONG, base + OFF_BSTART)),
                    instant(mem.get(ValueLayout.JAVA_LONG, base + OFF_XSTART)),
                    instant(mem.get(ValueLayout.JAVA_LONG, base + OFF_QSTART)),
                    instant(mem.get(ValueLayout.JAVA_LONG, base + OFF_SCHANGE)),
                    wtype.isEmpty() ? null : wtype, wait.isEmpty() ? null : wait, state, null, null, null,
                    client ? str(base + offQuery) : "", type.displayName());
        });
    }

    /**
     * pg_stat_ssl: a consistent copy of the TLS columns of every client backend that has
     * reported its session (pg_stat_ssl's {@code client_port IS NOT NULL}).
     */
    public List<SslStatus> readSsl() {
        int clientBackend = BackendType.CLIENT_BACKEND.ordinal();
        return readConsistent((base, pid) -> {
            boolean client = mem.get(ValueLayout.JAVA_INT, base + OFF_TYPE) == clientBackend;
            int port = mem.get(ValueLayout.JAVA_INT, base + OFF_PORT);
            if (!client || port == 0) return null;
            if (mem.get(ValueLayout.JAVA_INT, base + OFF_SSL) == 0) return new SslStatus(pid, false, null, null, null, null, null, null);
            return new SslStatus(pid, true, str(base + offSslVersion), str(base + offSslCipher),
                    mem.get(ValueLayout.JAVA_INT, base + OFF_SSLBITS), nullIfEmpty(str(base + offSslClientDn)),
                    nullIfEmpty(str(base + offSslClientSerial)), nullIfEmpty(str(base + offSslIssuerDn)));
        });
    }

    private static String nullIfEmpty(String s) { return s.isEmpty() ? null : s; }

    private String str(long off) {
        int len = mem.get(ValueLayout.JAVA_SHORT, off) & 0xFFFF;
        if (len == 0) return "";
        byte[] b = new byte[len];
        MemorySegment.copy(mem, ValueLayout.JAVA_BYTE, off + 2, b, 0, len);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static long micros(Instant t) { return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000; }

    private static Instant instant(long micros) {
        return micros == 0 ? null : Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
    }

    /** The owner's handle on its slot; every write is bracketed by the changecount protocol. */
    public final class Slot implements BackendStatus {
        private final long base;

        Slot(long base) { this.base = base; }

        void begin() { INT.getAndAdd(mem, base + OFF_CHANGE, 1); }
        void end() { INT.getAndAdd(mem, base + OFF_CHANGE, 1); }

        private void putStr(int off, int cap, String s) {
            byte[] b = s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
            int len = Math.min(b.length, cap);
            // never cut a UTF-8 sequence in half (cf. pg_mbcliplen)
            while (len > 0 && len < b.length && (b[len] & 0xC0) == 0x80) len--;
            mem.set(ValueLayout.JAVA_SHORT, base + off, (short) len);
            MemorySegment.copy(b, 0, mem, ValueLayout.JAVA_BYTE, base + off + 2, len);
        }

        @Override
        public void reportSession(int databaseOid, String database, int userOid, String user, String clientAddr,
                                  int clientPort, String applicationName) {
            begin();
            mem.set(ValueLayout.JAVA_INT, base + OFF_DATID, databaseOid);
            mem.set(ValueLayout.JAVA_INT, base + OFF_USESYSID, userOid);
            mem.set(ValueLayout.JAVA_INT, base + OFF_PORT, clientPort);
            putStr(offDatname, CAP_DATNAME - 1, database);
            putStr(offUsename, CAP_USENAME - 1, user);
            putStr(offAddr, CAP_ADDR, clientAddr);
            putStr(offAppname, CAP_APPNAME - 1, applicationName);
            end();
        }

        @Override
        public void reportApplicationName(String applicationName) {
            begin();
            putStr(offAppname, CAP_APPNAME - 1, applicationName);
            end();
        }

        @Override
        public void reportActivity(String state, String query) {
            int idx = 0;
            for (int i = 1; i < STATES.length; i++) if (STATES[i].equals(state)) idx = i;
            long now = micros(Instant.now());
            begin();
            int old = mem.get(ValueLayout.JAVA_INT, base + OFF_STATE);
            mem.set(ValueLayout.JAVA_INT, base + OFF_STATE, idx);
            if (old != idx) mem.set(ValueLayout.JAVA_LONG, base + OFF_SCHANGE, now);
            if (query != null) {
                putStr(offQuery, queryCapacity - 1, query);
                mem.set(ValueLayout.JAVA_LONG, base + OFF_QSTART, now);
            }
            end();
        }

        @Override
        public void reportTransactionStart(boolean active) {
            begin();
            mem.set(ValueLayout.JAVA_LONG, base + OFF_XSTART, active ? micros(Instant.now()) : 0L);
            end();
        }

        @Override
        public void reportSsl(String version, String cipher, int bits, String clientDn, String clientSerial,
                              String issuerDn) {
            begin();
            mem.set(ValueLayout.JAVA_INT, base + OFF_SSL, 1);
            mem.set(ValueLayout.JAVA_INT, base + OFF_SSLBITS, bits);
            putStr(offSslVersion, CAP_SSLVERSION, version);
            putStr(offSslCipher, CAP_SSL - 1, cipher);
            putStr(offSslClientDn, CAP_SSL - 1, clientDn);
            putStr(offSslClientSerial, CAP_SSL - 1, clientSerial);
            putStr(offSslIssuerDn, CAP_SSL - 1, issuerDn);
            end();
        }

        /** The wait event columns. */
        public void reportWait(String type, String event) {
            begin();
            putStr(offWaitType, CAP_WAITTYPE, type);
            putStr(offWait, CAP_WAIT, event);
            end();
        }
    }
}
