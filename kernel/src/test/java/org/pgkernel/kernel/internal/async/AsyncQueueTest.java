package org.pgkernel.kernel.internal.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pgkernel.kernel.api.BackendType;
import org.pgkernel.kernel.api.Notifications.Notification;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.SqlState;
import org.pgkernel.kernel.internal.proc.Proc;
import org.pgkernel.kernel.internal.proc.ProcArray;

class AsyncQueueTest {
    private static final int DB = 5;
    private static final int OTHER_DB = 16384;

    private final ProcArray procArray = new ProcArray(Arena.ofAuto().allocate(ProcArray.sizeFor(8, 2, 64), 64), 8, 2, 64);
    private final List<Integer> signalled = new ArrayList<>();

    private AsyncQueue queue(int pages) {
        return new AsyncQueue(Arena.ofAuto().allocate(AsyncQueue.sizeFor(10, pages), 64), 10, pages, signalled::add);
    }

    private Proc backend(int pid) {
        Proc p = new Proc(pid, 1, BackendType.CLIENT_BACKEND, "postgres");
        procArray.claim(p);
        return p;
    }

    /** What a reader gets, one "pid channel payload" line each. */
    private static List<String> read(AsyncQueue q, Proc p) {
        List<String> got = new ArrayList<>();
        int n = q.read(p, (pid, channel, payload) -> got.add(pid + " " + channel + " " + payload));
        assertEquals(got.size(), n, "read() counts what it delivers");
        return got;
    }

    private static List<Notification> notes(String... channelPayload) {
        List<Notification> l = new ArrayList<>();
        for (int i = 0; i < channelPayload.length; i += 2) l.add(new Notification(channelPayload[i], channelPayload[i + 1]));
        return l;
    }

    @Test
    void listeners_read_notifications_in_the_order_sent() {
        AsyncQueue q = queue(8);
        Proc listener = backend(101);
        Proc sender = backend(102);
        q.listen(listener, DB);
        q.send(sender, DB, notes("a", "1", "b", "2"));
        q.send(sender, DB, notes("a", "3"));
        assertEquals(List.of("102 a 1", "102 b 2", "102 a 3"), read(q, listener));
        assertEquals(List.of(), read(q, listener), "a position moves past what was read");
        q.send(sender, DB, notes("c", ""));
        assertEquals(List.of("102 c "), read(q, listener));
    }

    @Test
    void only_listeners_of_the_senders_database_get_a_notification() {
        AsyncQueue q = queue(8);
        Proc same = backend(101);
        Proc other = backend(102);
        Proc notListening = backend(103);
        Proc sender = backend(104);
        q.listen(same, DB);
        q.listen(other, OTHER_DB);
        q.send(sender, DB, notes("ch", "for db 5"));
        assertEquals(List.of(101), signalled, "only the listener of the same database is signalled");
        assertEquals(List.of("104 ch for db 5"), read(q, same));
        assertEquals(List.of(), read(q, other));
        assertEquals(List.of(), read(q, notListening));
    }

    @Test
    void a_listening_sender_gets_its_own_notifications() {
        AsyncQueue q = queue(8);
        Proc self = backend(101);
        q.listen(self, DB);
        q.send(self, DB, notes("acc_self", "payload one"));
        assertEquals(List.of(101), signalled);
        assertEquals(List.of("101 acc_self payload one"), read(q, self));
    }

    @Test
    void a_new_listener_starts_at_the_head() {
        AsyncQueue q = queue(8);
        Proc listener = backend(101);
        Proc sender = backend(102);
        q.send(sender, DB, notes("ch", "before"));
        q.listen(listener, DB);
        q.listen(listener, DB);
        q.send(sender, DB, notes("ch", "after"));
        assertEquals(List.of("102 ch after"), read(q, listener));
    }

    @Test
    void entries_wrap_around_the_ring_many_times() {
        AsyncQueue q = queue(3);
        Proc listener = backend(101);
        Proc sender = backend(102);
        q.listen(listener, DB);
        String payload = "x".repeat(1000);
        int sent = 0;
        // about 8 such entries fill a page: 10 rounds of 15 go round the 3-page ring 6 times
        for (int round = 0; round < 10; round++) {
            List<Notification> batch = new ArrayList<>();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 15; i++, sent++) {
                batch.add(new Notification("ch" + sent, payload + sent));
                expected.add("102 ch" + sent + " " + payload + sent);
            }
            q.send(sender, DB, batch);
            assertEquals(expected, read(q, listener), "round " + round);
            assertEquals(0.0, q.usage(), "read to the head: every page is free again");
        }
    }

    @Test
    void the_largest_entry_fits_on_a_page() {
        AsyncQueue q = queue(2);
        Proc listener = backend(101);
        q.listen(listener, DB);
        String channel = "c".repeat(63);
        String payload = "p".repeat(7999);
        q.send(listener, DB, notes(channel, payload, channel, payload));
        List<String> got = read(q, listener);
        assertEquals(2, got.size());
        assertEquals("101 " + channel + " " + payload, got.get(1));
    }

    @Test
    void a_full_queue_refuses_the_whole_transaction_with_54000() {
        AsyncQueue q = queue(2);
        Proc listener = backend(101);
        Proc sender = backend(102);
        q.listen(listener, DB);
        String payload = "y".repeat(4000);
        // a page takes two entries of 4 kB: four fill both pages, a fifth would need a third
        q.send(sender, DB, notes("ch", payload + 1, "ch", payload + 2, "ch", payload + 3, "ch", payload + 4));
        assertEquals(0.5, q.usage(), "usage counts the pages between the tail's and the head's");
        PgException e = assertThrows(PgException.class, () -> q.send(sender, DB, notes("small", "a", "ch", payload + 5)));
        assertEquals(SqlState.PROGRAM_LIMIT_EXCEEDED, e.sqlState());
        assertEquals("too many notifications in the NOTIFY queue", e.getMessage());
        List<String> got = read(q, listener);
        assertEquals(4, got.size(), "nothing of the refused transaction was appended");
        assertEquals("102 ch " + payload + 4, got.get(3));
        q.send(sender, DB, notes("small", "a"));
        assertEquals(List.of("102 small a"), read(q, listener), "once read, the space is free again");
    }

    @Test
    void the_slowest_listener_holds_the_tail_until_it_reads_or_leaves() {
        AsyncQueue q = queue(4);
        Proc fast = backend(101);
        Proc slow = backend(102);
        Proc sender = backend(103);
        q.listen(fast, DB);
        q.listen(slow, DB);
        String payload = "z".repeat(8000 - 100);
        for (int i = 0; i < 4; i++) {
            q.send(sender, DB, notes("ch", payload));
            assertEquals(1, read(q, fast).size());
        }
        assertEquals(0.75, q.usage(), "the slow listener still needs all four pages");
        assertThrows(PgException.class, () -> q.send(sender, DB, notes("ch", payload)));
        assertEquals(4, read(q, slow).size());
        assertEquals(0.0, q.usage());
        q.send(sender, DB, notes("ch", payload));
        q.send(sender, DB, notes("ch", payload));
        assertEquals(0.5, q.usage());
        q.unlisten(slow);
        assertEquals(0.5, q.usage(), "the fast one has not read yet");
        read(q, fast);
        assertEquals(0.0, q.usage());
    }

    @Test
    void a_lagging_listener_of_another_database_is_signalled_so_that_it_frees_the_tail() {
        AsyncQueue q = queue(16);
        Proc other = backend(101);
        Proc sender = backend(102);
        q.listen(other, OTHER_DB);
        String payload = "w".repeat(8000 - 100);
        // one entry a page: after QUEUE_CLEANUP_DELAY sends the head is on page 3, after one more on page 4
        for (int i = 0; i < AsyncQueue.QUEUE_CLEANUP_DELAY; i++) q.send(sender, DB, notes("ch", payload));
        assertEquals(List.of(), signalled);
        q.send(sender, DB, notes("ch", payload));
        assertEquals(List.of(101), signalled);
        assertEquals(List.of(), read(q, other), "nothing of another database is delivered");
        assertEquals(0.0, q.usage(), "but reading past it frees the pages");
    }

    @Test
    void a_process_that_exits_listens_no_more_and_releases_the_tail() {
        AsyncQueue q = queue(2);
        Proc listener = backend(101);
        Proc sender = backend(102);
        q.listen(listener, DB);
        q.send(sender, DB, notes("ch", "y".repeat(7000), "ch", "y".repeat(7000)));
        assertEquals(0.5, q.usage());
        q.processExited(listener);
        assertEquals(0.0, q.usage());
        signalled.clear();
        q.send(sender, DB, notes("ch", "after exit"));
        assertEquals(List.of(), signalled, "an exited process is not signalled");
        int slot = listener.slot();
        procArray.release(listener);
        Proc next = backend(103);
        assertEquals(slot, next.slot());
        assertEquals(List.of(), read(q, next), "the next owner of the slot is no listener");
    }

    @Test
    void channel_and_payload_limits_are_postgres_ones() {
        AsyncQueue q = queue(2);
        Proc sender = backend(101);
        PgException e = assertThrows(PgException.class, () -> q.send(sender, DB, notes("", "x")));
        assertEquals(SqlState.INVALID_PARAMETER_VALUE, e.sqlState());
        assertEquals("channel name cannot be empty", e.getMessage());
        e = assertThrows(PgException.class, () -> q.send(sender, DB, notes("c".repeat(64), "x")));
        assertEquals("channel name too long", e.getMessage());
        e = assertThrows(PgException.class, () -> q.send(sender, DB, notes("ch", "é".repeat(4000))));
        assertEquals("payload string too long", e.getMessage(), "the limit is in bytes, not characters");
        q.send(sender, DB, notes("ch", "p".repeat(7999)));
        assertTrue(q.usage() >= 0.0);
    }
}
