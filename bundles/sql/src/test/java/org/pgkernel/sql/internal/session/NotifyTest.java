package org.pgkernel.sql.internal.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pgkernel.kernel.api.PgException;

/**
 * LISTEN, UNLISTEN, NOTIFY and pg_notify() as clients see them: transactional, folded,
 * delivered before ReadyForQuery or while idle, with PostgreSQL's errors.
 */
class NotifyTest {
    private final TestNotifications queue = new TestNotifications();
    private final Client a = new Client(101);
    private final Client b = new Client(202);

    /** One backend: its session, and PostgresMain's handling of the notify interrupt. */
    private final class Client {
        final TestEnvironment env;
        final Session session;
        boolean notifyPending;

        Client(int pid) {
            env = new TestEnvironment(pid, queue);
            session = new Session(env, null);
        }

        /** A Query message: its messages, then (as the backend) notifications before "Z status". */
        List<String> q(String sql) {
            RecordingSink sink = new RecordingSink();
            try {
                session.simpleQuery(sql, sink);
            } catch (PgException e) {
                sink.lines.add("E " + e.sqlState().code() + " " + e.getMessage());
            }
            deliver(sink);
            sink.lines.add("Z " + session.transactionStatus());
            return sink.lines;
        }

        /** The backend waiting for a message: what it sends when woken. */
        List<String> idle() {
            RecordingSink sink = new RecordingSink();
            deliver(sink);
            return sink.lines;
        }

        private void deliver(RecordingSink sink) {
            if (queue.takeSignal(env.process.pid())) notifyPending = true;
            if (notifyPending && session.processNotifyInterrupt(sink)) notifyPending = false;
        }
    }

    private static List<String> lines(String... l) { return List.of(l); }

    @Test
    void a_listener_hears_its_own_notifications_before_ready_for_query() {
        assertEquals(lines("C LISTEN", "Z I"), a.q("LISTEN acc_self"));
        assertEquals(lines("C NOTIFY", "A 101 acc_self payload one", "Z I"), a.q("NOTIFY acc_self, 'payload one'"));
        assertEquals(lines("T pg_notify:2278", "D ", "C SELECT 1", "A 101 acc_self payload two", "Z I"),
                a.q("SELECT pg_notify('acc_self', 'payload two')"));
        assertEquals(lines("C NOTIFY", "A 101 acc_self ", "Z I"), a.q("NOTIFY acc_self"));
        assertEquals(lines("C NOTIFY", "Z I"), a.q("NOTIFY other_channel, 'not listened'"));
    }

    @Test
    void notifications_go_out_at_commit_and_not_at_all_on_rollback() {
        a.q("LISTEN ch");
        assertEquals(lines("C BEGIN", "Z T"), b.q("BEGIN"));
        assertEquals(lines("C NOTIFY", "Z T"), b.q("NOTIFY ch, 'at commit'"));
        assertEquals(lines(), a.idle(), "nothing before the sender commits");
        assertEquals(lines("C COMMIT", "Z I"), b.q("COMMIT"));
        assertEquals(lines("A 202 ch at commit"), a.idle());

        b.q("BEGIN; NOTIFY ch, 'rolled back'");
        assertEquals(lines("C ROLLBACK", "Z I"), b.q("ROLLBACK"));
        b.q("BEGIN");
        b.q("NOTIFY ch, 'failed block'");
        b.q("SELECT 1/0");
        assertEquals(lines("C ROLLBACK", "Z I"), b.q("COMMIT"));
        assertEquals(lines("C NOTIFY", "E 22012 division by zero", "Z I"), b.q("NOTIFY ch, 'implicit block'; SELECT 1/0"));
        assertEquals(lines(), a.idle());
    }

    @Test
    void duplicates_in_one_transaction_are_folded_and_order_is_kept() {
        a.q("LISTEN ch");
        b.q("BEGIN");
        b.q("NOTIFY ch, 'one'");
        b.q("NOTIFY ch, 'two'");
        b.q("NOTIFY ch, 'one'");
        b.q("SELECT pg_notify('ch', 'two')");
        b.q("NOTIFY ch");
        b.q("NOTIFY ch, ''");
        b.q("SELECT pg_notify('ch', NULL)");
        b.q("COMMIT");
        assertEquals(lines("A 202 ch one", "A 202 ch two", "A 202 ch "), a.idle());
        b.q("NOTIFY ch, 'one'");
        assertEquals(lines("A 202 ch one"), a.idle(), "folding is within one transaction only");
    }

    @Test
    void a_listener_inside_a_transaction_block_hears_at_its_end() {
        a.q("LISTEN ch");
        assertEquals(lines("C BEGIN", "Z T"), a.q("BEGIN"));
        b.q("NOTIFY ch, 'while in a block'");
        assertEquals(lines(), a.idle());
        assertEquals(lines("T ?column?:23", "D 1", "C SELECT 1", "Z T"), a.q("SELECT 1"));
        assertEquals(lines("C COMMIT", "A 202 ch while in a block", "Z I"), a.q("COMMIT"));
    }

    @Test
    void listen_and_unlisten_take_effect_at_commit() {
        a.q("BEGIN");
        a.q("LISTEN ch");
        assertEquals(lines("T pg_listening_channels:25", "C SELECT 0", "Z T"), a.q("SELECT * FROM pg_listening_channels()"));
        b.q("NOTIFY ch, 'before the LISTEN committed'");
        a.q("COMMIT");
        assertEquals(lines(), a.idle());
        b.q("NOTIFY ch, 'after'");
        assertEquals(lines("A 202 ch after"), a.idle());

        a.q("BEGIN; LISTEN other");
        a.q("ROLLBACK");
        a.q("LISTEN zeta; LISTEN alpha; LISTEN ch");
        assertEquals(lines("T pg_listening_channels:25", "D ch", "D zeta", "D alpha", "C SELECT 3", "Z I"),
                a.q("SELECT * FROM pg_listening_channels()"));

        a.q("BEGIN; UNLISTEN ch");
        b.q("NOTIFY ch, 'read after the UNLISTEN committed'");
        assertEquals(lines("C COMMIT", "Z I"), a.q("COMMIT"), "as in PostgreSQL, channels are matched when read");
        b.q("NOTIFY ch, 'not any more'");
        assertEquals(lines(), a.idle());
        assertTrue(queue.isListener(101), "zeta and alpha remain");

        assertEquals(lines("C UNLISTEN", "Z I"), a.q("UNLISTEN *"));
        assertFalse(queue.isListener(101), "no channel left: no listener");
        assertEquals(lines("T pg_listening_channels:25", "C SELECT 0", "Z I"), a.q("SELECT * FROM pg_listening_channels()"));
        b.q("NOTIFY zeta, 'nobody'");
        assertEquals(lines(), a.idle());
    }

    @Test
    void a_rolled_back_listen_leaves_no_listener() {
        a.q("BEGIN");
        a.q("LISTEN ch");
        a.q("ROLLBACK");
        assertFalse(queue.isListener(101));
        queue.full = true;
        assertEquals(lines("C LISTEN", "E 54000 too many notifications in the NOTIFY queue", "Z I"),
                a.q("LISTEN ch; NOTIFY ch"));
        assertFalse(queue.isListener(101), "a LISTEN whose commit failed is undone");
    }

    @Test
    void notify_and_listen_in_one_transaction_hear_the_notify() {
        assertEquals(lines("C NOTIFY", "C LISTEN", "A 101 ch same transaction", "Z I"),
                a.q("NOTIFY ch, 'same transaction'; LISTEN ch"));
    }

    @Test
    void a_full_queue_fails_the_commit_with_54000_and_ends_the_block() {
        a.q("LISTEN ch");
        queue.full = true;
        assertEquals(lines("E 54000 too many notifications in the NOTIFY queue", "Z I"), b.q("NOTIFY ch, 'x'"),
                "the commit fails before CommandComplete, as exec_simple_query() orders them");
        int aborts = b.env.settings.aborts;
        int commits = b.env.settings.commits;
        b.q("BEGIN");
        b.q("SET work_mem = '8MB'");
        b.q("NOTIFY ch, 'y'");
        assertEquals(lines("E 54000 too many notifications in the NOTIFY queue", "Z I"), b.q("COMMIT"));
        assertEquals(aborts + 1, b.env.settings.aborts, "the transaction aborted once");
        assertEquals(commits, b.env.settings.commits);
        assertEquals(lines("T work_mem:25", "D 4MB", "C SHOW", "Z I"), b.q("SHOW work_mem"));
        queue.full = false;
        b.q("NOTIFY ch, 'z'");
        assertEquals(lines("A 202 ch z"), a.idle(), "nothing of the failed transactions went out");
        assertEquals(lines("T pg_notification_queue_usage:701", "D 0", "C SELECT 1", "Z I"),
                b.q("SELECT pg_notification_queue_usage()"));
    }

    @Test
    void bad_channels_and_payloads_get_postgres_errors() {
        assertEquals(lines("E 22023 payload string too long", "Z I"), a.q("NOTIFY ch, '" + "x".repeat(8000) + "'"));
        assertEquals(lines("C NOTIFY", "Z I"), a.q("NOTIFY ch, '" + "x".repeat(7999) + "'"));
        assertEquals(lines("T pg_notify:2278", "E 22023 payload string too long", "Z I"),
                a.q("SELECT pg_notify('ch', repeat('é', 4000))"), "the limit is in bytes");
        assertEquals(lines("T pg_notify:2278", "E 22023 channel name cannot be empty", "Z I"), a.q("SELECT pg_notify('', 'x')"));
        assertEquals(lines("T pg_notify:2278", "E 22023 channel name cannot be empty", "Z I"), a.q("SELECT pg_notify(NULL, 'x')"));
        assertEquals(lines("T pg_notify:2278", "E 22023 channel name too long", "Z I"),
                a.q("SELECT pg_notify(repeat('c', 64), 'x')"));
        assertEquals(lines("T pg_notify:2278", "D ", "C SELECT 1", "Z I"), a.q("SELECT pg_notify(repeat('c', 63), 'x')"));
        a.q("BEGIN");
        a.q("LISTEN ch");
        assertEquals(lines("T pg_notify:2278", "E 22023 channel name cannot be empty", "Z E"), a.q("SELECT pg_notify('', 'x')"));
        a.q("ROLLBACK");
        assertFalse(queue.isListener(101));
    }

    @Test
    void the_extended_protocol_delivers_after_sync() {
        a.q("LISTEN ch");
        RecordingSink sink = new RecordingSink();
        b.session.parse("", "NOTIFY ch, 'extended'", new int[0]);
        b.session.bind("", "", new short[0], new byte[0][], new short[0]);
        b.session.execute("", 0, sink);
        assertEquals(lines("C NOTIFY"), sink.lines);
        assertEquals(lines(), a.idle(), "not before Sync commits");
        b.session.sync();
        assertEquals(lines("A 202 ch extended"), a.idle());

        a.session.parse("", "SELECT 1", new int[0]);
        b.q("NOTIFY ch, 'during a cycle'");
        assertEquals(lines(), a.idle(), "a cycle's implicit transaction is open until Sync");
        a.session.sync();
        assertEquals(lines("A 202 ch during a cycle"), a.idle());
    }

    @Test
    void a_session_that_ends_listens_no_more() {
        a.q("LISTEN ch");
        assertTrue(queue.isListener(101));
        a.session.end();
        assertFalse(queue.isListener(101));
    }
}
