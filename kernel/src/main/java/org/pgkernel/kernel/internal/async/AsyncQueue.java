package org.pgkernel.kernel.internal.async;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;
import org.pgkernel.kernel.api.Notifications;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.ServerProcess;
import org.pgkernel.kernel.api.SqlState;
import org.pgkernel.kernel.internal.proc.Proc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The LISTEN/NOTIFY queue in shared memory (cf. async.c's AsyncQueueControl and the pg_notify
 * SLRU). Committed notifications of every database go into one ring of pages; every listening
 * backend reads it from its own position and skips what belongs to other databases. The
 * session keeps the rest of async.c: its channels, what is pending until commit, the folding
 * of duplicates.
 *
 * <p>Why a ring in memory and not an SLRU on disk: notifications do not survive a crash in
 * PostgreSQL either (pg_notify/ is emptied at start), so the only reason for disk pages is a
 * queue larger than memory. A fixed ring of {@value #PAGES} pages of {@value #PAGE_SIZE} bytes
 * (8 MB) holds a few thousand notifications of the largest size and tens of thousands of
 * typical ones; beyond that NOTIFY fails with 54000, as PostgreSQL's does at its limit.
 *
 * <p>Layout (offsets in bytes; every field is in native byte order):
 * <pre>
 *   0 long  head       position of the next free byte
 *   8 long  tail       position of the oldest byte a listener still has to read
 *  64 per process-array slot, 16 bytes:
 *       0 int  pid       0 = not a listener
 *       4 int  datid     the database it listens in
 *       8 long position  how far it has read
 *   P pages            {@code pages} pages of PAGE_SIZE bytes (P = the end of the slots, 64-aligned)
 * </pre>
 * A position is a byte offset into an endless stream: its page is {@code pos / PAGE_SIZE}, its
 * place in the ring page {@code (pos / PAGE_SIZE) % pages}. Positions only grow (64 bits do not
 * wrap in practice), so comparing them needs none of asyncQueuePagePrecedes()'s care.
 *
 * <p>An entry (cf. AsyncQueueEntry), 4-byte aligned (QUEUEALIGN), never spanning pages:
 * <pre>
 *   0 int   length        of the whole entry, padding included
 *   4 int   datid         the sender's database; 0 = filler up to the end of the page
 *   8 int   sender pid
 *  12 short channel bytes
 *  14 short payload bytes
 *  16       channel, then payload (UTF-8, no terminators)
 * </pre>
 * When an entry does not fit into the rest of a page, a filler entry takes the rest and the
 * entry goes to the next page; when fewer than {@link #HEADER} bytes are left after an entry,
 * the position moves to the next page (cf. asyncQueueAdvance()).
 *
 * <p>NOTES
 * <ul>
 * <li>Full: an entry may go on page {@code page(tail) + pages - 1} at most; the head may never
 *     enter the ring page the tail is still on (cf. asyncQueueIsFull()).</li>
 * <li>The tail is the smallest position of any listener, or the head when there is none
 *     (cf. asyncQueueAdvanceTail()); it is recomputed after every send, read and unlisten.</li>
 * <li>Locking: one ReentrantLock (NotifyQueueLock) guards head, tail, the slots and the pages;
 *     it is a heap object of the kernel, so a process outside the JVM may look at the segment
 *     but not change it. Nothing blocks while it is held: readers copy one page out and
 *     deliver after unlocking, and signals are a flag plus a latch set.</li>
 * <li>Signalling (cf. SignalBackends()): after a send, every listener of the sender's database
 *     whose position is behind the head gets SIGUSR1, the sender itself included; listeners of
 *     other databases only when they lag {@value #QUEUE_CLEANUP_DELAY} pages or more, so that
 *     they read past what is not theirs and let the tail move.</li>
 * </ul>
 */
public final class AsyncQueue implements Notifications {
    private static final Logger LOG = LoggerFactory.getLogger(AsyncQueue.class);

    /** QUEUE_PAGESIZE: BLCKSZ. */
    public static final int PAGE_SIZE = 8192;
    /** The ring's size in pages (8 MB). */
    public static final int PAGES = 1024;
    /** Listeners of another database are signalled when they lag this many pages (cf. QUEUE_CLEANUP_DELAY). */
    static final int QUEUE_CLEANUP_DELAY = 4;
    /** An entry's header; also the least room an entry needs. */
    static final int HEADER = 16;

    private static final int OFF_HEAD = 0, OFF_TAIL = 8, OFF_SLOTS = 64, SLOT_SIZE = 16;
    private static final int S_PID = 0, S_DATID = 4, S_POS = 8;
    private static final int E_LENGTH = 0, E_DATID = 4, E_PID = 8, E_CHANNEL = 12, E_PAYLOAD = 14;
    private static final long FILL_WARN_INTERVAL_NANOS = 5_000_000_000L;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT;

    private final MemorySegment mem;
    private final int slots;
    private final int pages;
    private final long pagesOffset;
    private final IntConsumer signaller;
    /** NotifyQueueLock: guards everything in {@link #mem} and {@link #lastFillWarn}. */
    private final ReentrantLock lock = new ReentrantLock();
    private long lastFillWarn;

    /** Bytes of shared memory for {@code slots} process-array slots and a ring of {@code pages} pages. */
    public static long sizeFor(int slots, int pages) {
        return pagesOffset(slots) + (long) pages * PAGE_SIZE;
    }

    private static long pagesOffset(int slots) {
        return (OFF_SLOTS + (long) slots * SLOT_SIZE + 63) & ~63L;
    }

    /**
     * @param mem       a zeroed segment of {@link #sizeFor}{@code (slots, pages)} bytes, 64-aligned
     * @param slots     the process array's slot count; a listener is indexed by its slot
     * @param pages     the ring's size in pages ({@link #PAGES} in the server)
     * @param signaller delivers SIGUSR1 to the process with that pid, if it is alive; must not block
     */
    public AsyncQueue(MemorySegment mem, int slots, int pages, IntConsumer signaller) {
        if (pages < 2) throw new IllegalArgumentException("the notification queue needs two pages at least");
        if (mem.byteSize() < sizeFor(slots, pages)) throw new IllegalArgumentException("segment too small");
        this.mem = mem;
        this.slots = slots;
        this.pages = pages;
        this.pagesOffset = pagesOffset(slots);
        this.signaller = signaller;
    }

    // ------------------------------------------------------------------ Notifications

    @Override
    public void listen(ServerProcess self, int databaseOid) {
        if (databaseOid == 0) throw new IllegalArgumentException("a listener needs a database");
        long s = slotBase(self);
        lock.lock();
        try {
            if (mem.get(INT, s + S_PID) == self.pid() && mem.get(INT, s + S_DATID) == databaseOid) return;
            mem.set(INT, s + S_PID, self.pid());
            mem.set(INT, s + S_DATID, databaseOid);
            mem.set(LONG, s + S_POS, head());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void unlisten(ServerProcess self) {
        long s = slotBase(self);
        lock.lock();
        try {
            if (mem.get(INT, s + S_PID) != self.pid()) return;
            clearSlot(s);
            advanceTail();
        } finally {
            lock.unlock();
        }
    }

    /** ProcKill()'s part (cf. Async_UnlistenOnExit()): a process that exits, however it exits, listens no more. */
    public void processExited(Proc proc) {
        if (proc.slot() >= 0 && proc.slot() < slots) unlisten(proc);
    }

    @Override
    public void send(ServerProcess self, int databaseOid, List<Notification> notifications) {
        if (notifications.isEmpty()) return;
        if (databaseOid == 0) throw new IllegalArgumentException("a notification needs a database");
        int n = notifications.size();
        byte[][] channels = new byte[n][];
        byte[][] payloads = new byte[n][];
        for (int i = 0; i < n; i++) {
            Notification note = notifications.get(i);
            channels[i] = channelBytes(note.channel());
            payloads[i] = payloadBytes(note.payload());
        }
        int pid = self.pid();
        lock.lock();
        try {
            advanceTail();
            long tailPage = page(tail());
            long p = head();
            // cf. asyncQueueAddEntries(): written past the head, published only when all fit
            for (int i = 0; i < n; i++) {
                int len = align(HEADER + channels[i].length + payloads[i].length);
                int off = (int) (p % PAGE_SIZE);
                if (PAGE_SIZE - off < len) {
                    writeEntry(p, PAGE_SIZE - off, 0, 0, null, null);
                    p += PAGE_SIZE - off;
                }
                if (page(p) - tailPage >= pages) {
                    throw PgException.error(SqlState.PROGRAM_LIMIT_EXCEEDED, "too many notifications in the NOTIFY queue");
                }
                writeEntry(p, len, databaseOid, pid, channels[i], payloads[i]);
                p = advance(p, len);
            }
            mem.set(LONG, OFF_HEAD, p);
            signalBackends(databaseOid, p);
            advanceTail();
            fillWarning();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read(ServerProcess self, Receiver receiver) {
        long s = slotBase(self);
        int delivered = 0;
        byte[] buf = null;
        for (;;) {
            int len;
            int datid;
            lock.lock();
            try {
                if (mem.get(INT, s + S_PID) != self.pid()) return delivered;
                long pos = mem.get(LONG, s + S_POS);
                long head = head();
                if (pos >= head) {
                    advanceTail();
                    return delivered;
                }
                // cf. asyncQueueReadAllNotifications(): one page at a time, copied out under the lock
                long end = Math.min(head, (page(pos) + 1) * PAGE_SIZE);
                len = (int) (end - pos);
                if (buf == null) buf = new byte[PAGE_SIZE];
                MemorySegment.copy(mem, ValueLayout.JAVA_BYTE, ring(pos), buf, 0, len);
                mem.set(LONG, s + S_POS, end);
                datid = mem.get(INT, s + S_DATID);
            } finally {
                lock.unlock();
            }
            delivered += processPageEntries(buf, len, datid, receiver);
        }
    }

    @Override
    public double usage() {
        lock.lock();
        try {
            advanceTail();
            long occupied = page(head()) - page(tail());
            return occupied <= 0 ? 0.0 : (double) occupied / pages;
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ helpers (lock held where noted)

    /** cf. asyncQueueProcessPageEntries(): hands the entries of database {@code datid} to the receiver. */
    private static int processPageEntries(byte[] buf, int len, int datid, Receiver receiver) {
        MemorySegment page = MemorySegment.ofArray(buf);
        int n = 0;
        int o = 0;
        while (len - o >= HEADER) {
            int elen = page.get(ValueLayout.JAVA_INT_UNALIGNED, o + E_LENGTH);
            if (elen < HEADER || elen > len - o) {
                LOG.warn("corrupted entry in the notification queue, skipping the rest of its page");
                break;
            }
            int edb = page.get(ValueLayout.JAVA_INT_UNALIGNED, o + E_DATID);
            if (edb != 0 && edb == datid) {
                int pid = page.get(ValueLayout.JAVA_INT_UNALIGNED, o + E_PID);
                int clen = page.get(ValueLayout.JAVA_SHORT_UNALIGNED, o + E_CHANNEL) & 0xFFFF;
                int plen = page.get(ValueLayout.JAVA_SHORT_UNALIGNED, o + E_PAYLOAD) & 0xFFFF;
                if (HEADER + clen + plen > elen) {
                    LOG.warn("corrupted entry in the notification queue, skipping the rest of its page");
                    break;
                }
                String channel = new String(buf, o + HEADER, clen, StandardCharsets.UTF_8);
                String payload = new String(buf, o + HEADER + clen, plen, StandardCharsets.UTF_8);
                receiver.notification(pid, channel, payload);
                n++;
            }
            o += elen;
        }
        return n;
    }

    /** Lock held. Writes one entry (a filler when {@code channel} is null) at position {@code p}. */
    private void writeEntry(long p, int len, int datid, int pid, byte[] channel, byte[] payload) {
        long at = ring(p);
        mem.set(INT, at + E_LENGTH, len);
        mem.set(INT, at + E_DATID, datid);
        mem.set(INT, at + E_PID, pid);
        mem.set(SHORT, at + E_CHANNEL, (short) (channel == null ? 0 : channel.length));
        mem.set(SHORT, at + E_PAYLOAD, (short) (payload == null ? 0 : payload.length));
        if (channel != null) MemorySegment.copy(channel, 0, mem, ValueLayout.JAVA_BYTE, at + HEADER, channel.length);
        if (payload != null) {
            MemorySegment.copy(payload, 0, mem, ValueLayout.JAVA_BYTE, at + HEADER + channel.length, payload.length);
        }
    }

    /** The position after an entry of {@code len} bytes at {@code p}: the next page when no header fits (cf. asyncQueueAdvance()). */
    private static long advance(long p, int len) {
        long next = p + len;
        int left = PAGE_SIZE - (int) (next % PAGE_SIZE);
        if (left < HEADER) next += left;
        return next;
    }

    /** Lock held. cf. SignalBackends(). Signals never block: a flag and a latch set. */
    private void signalBackends(int datid, long head) {
        long headPage = page(head);
        for (int i = 0; i < slots; i++) {
            long s = OFF_SLOTS + (long) i * SLOT_SIZE;
            int pid = mem.get(INT, s + S_PID);
            if (pid == 0) continue;
            long pos = mem.get(LONG, s + S_POS);
            boolean signal = mem.get(INT, s + S_DATID) == datid ? pos < head : headPage - page(pos) >= QUEUE_CLEANUP_DELAY;
            if (signal) signaller.accept(pid);
        }
    }

    /** Lock held. cf. asyncQueueAdvanceTail(): the tail moves to the slowest listener, or the head. */
    private void advanceTail() {
        long min = head();
        for (int i = 0; i < slots; i++) {
            long s = OFF_SLOTS + (long) i * SLOT_SIZE;
            if (mem.get(INT, s + S_PID) != 0) min = Math.min(min, mem.get(LONG, s + S_POS));
        }
        if (min > tail()) mem.set(LONG, OFF_TAIL, min);
    }

    /** Lock held. cf. asyncQueueFillWarning(): at half full, say so in the log, at most every 5 s. */
    private void fillWarning() {
        long occupied = page(head()) - page(tail());
        if (occupied * 2 < pages) return;
        long now = System.nanoTime();
        if (lastFillWarn != 0 && now - lastFillWarn < FILL_WARN_INTERVAL_NANOS) return;
        lastFillWarn = now;
        int slowest = 0;
        long min = Long.MAX_VALUE;
        for (int i = 0; i < slots; i++) {
            long s = OFF_SLOTS + (long) i * SLOT_SIZE;
            int pid = mem.get(INT, s + S_PID);
            long pos = mem.get(LONG, s + S_POS);
            if (pid != 0 && pos < min) {
                min = pos;
                slowest = pid;
            }
        }
        LOG.warn("NOTIFY queue is {}% full; the server process with PID {} is among those with the oldest transactions",
                Math.round(occupied * 100.0 / pages), slowest);
    }

    private void clearSlot(long s) {
        mem.set(INT, s + S_PID, 0);
        mem.set(INT, s + S_DATID, 0);
        mem.set(LONG, s + S_POS, 0L);
    }

    private long slotBase(ServerProcess self) {
        int slot = self instanceof Proc p ? p.slot() : -1;
        if (slot < 0 || slot >= slots) throw new IllegalStateException(self + " holds no process-array slot");
        return OFF_SLOTS + (long) slot * SLOT_SIZE;
    }

    private long head() { return mem.get(LONG, OFF_HEAD); }

    private long tail() { return mem.get(LONG, OFF_TAIL); }

    private static long page(long pos) { return pos / PAGE_SIZE; }

    private long ring(long pos) { return pagesOffset + (page(pos) % pages) * PAGE_SIZE + pos % PAGE_SIZE; }

    private static int align(int len) { return (len + 3) & ~3; }

    /** cf. Async_Notify()'s checks on the channel name. */
    static byte[] channelBytes(String channel) {
        if (channel == null || channel.isEmpty()) {
            throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "channel name cannot be empty");
        }
        byte[] b = channel.getBytes(StandardCharsets.UTF_8);
        if (b.length >= NAMEDATALEN) throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "channel name too long");
        return b;
    }

    static byte[] payloadBytes(String payload) {
        byte[] b = payload == null ? new byte[0] : payload.getBytes(StandardCharsets.UTF_8);
        if (b.length >= NOTIFY_PAYLOAD_MAX_LENGTH) {
            throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "payload string too long");
        }
        return b;
    }
}
