package org.pgkernel.sql.internal.session;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.pgkernel.kernel.api.Notifications;
import org.pgkernel.kernel.api.Notifications.Notification;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.SqlState;
import org.pgkernel.sql.api.ResponseSink;
import org.pgkernel.sql.api.SessionEnvironment;

/**
 * The session's half of LISTEN/NOTIFY (the backend-local state of async.c): the channels it
 * listens on, and what the open transaction has asked for, applied at commit and dropped at
 * abort. The queue itself is the kernel's ({@link Notifications}).
 *
 * <p>At commit, in this order (cf. PreCommit_Notify() and AtCommit_Notify()): a pending LISTEN
 * makes the backend a listener, positioned at the queue's head; the pending notifications are
 * appended, all or none (a full queue is ERROR 54000 and the transaction aborts); then the
 * LISTEN/UNLISTEN actions change the channel list, and a backend left with no channel stops
 * being a listener. So a transaction that does NOTIFY x and LISTEN x hears its own NOTIFY, as
 * in PostgreSQL.
 *
 * <p>Used by the session's thread only.
 */
final class AsyncNotify {
    private enum Action { LISTEN, UNLISTEN, UNLISTEN_ALL }

    private record PendingAction(Action action, String channel) { }

    private final SessionEnvironment env;
    /** listenChannels: what committed LISTENs made us listen on, in the order of the LISTENs. */
    private final Set<String> listenChannels = new LinkedHashSet<>();
    /** pendingActions: LISTEN/UNLISTEN of the open transaction, in order. */
    private final List<PendingAction> pendingActions = new ArrayList<>();
    /** pendingNotifies: NOTIFYs of the open transaction in order, duplicates folded. */
    private final Set<Notification> pendingNotifies = new LinkedHashSet<>();
    /** amRegisteredListener: whether the kernel's queue counts this backend as a listener. */
    private boolean registered;

    AsyncNotify(SessionEnvironment env) {
        this.env = env;
    }

    // ------------------------------------------------------------------ statements

    /** LISTEN (cf. Async_Listen()): takes effect at commit. */
    void listen(String channel) {
        pendingActions.add(new PendingAction(Action.LISTEN, channel));
    }

    /** UNLISTEN channel (cf. Async_Unlisten()). */
    void unlisten(String channel) {
        if (pendingActions.isEmpty() && !registered) return; // nothing to undo
        pendingActions.add(new PendingAction(Action.UNLISTEN, channel));
    }

    /** UNLISTEN * (cf. Async_UnlistenAll()). */
    void unlistenAll() {
        if (pendingActions.isEmpty() && !registered) return;
        pendingActions.add(new PendingAction(Action.UNLISTEN_ALL, null));
    }

    /**
     * NOTIFY and pg_notify() (cf. Async_Notify()): checks the channel and payload at once, queues
     * the notification until commit, folds a duplicate of one already queued.
     */
    void notify(String channel, String payload) {
        if (channel == null || channel.isEmpty()) {
            throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "channel name cannot be empty");
        }
        if (utf8Length(channel) >= Notifications.NAMEDATALEN) {
            throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "channel name too long");
        }
        String p = payload == null ? "" : payload;
        if (utf8Length(p) >= Notifications.NOTIFY_PAYLOAD_MAX_LENGTH) {
            throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "payload string too long");
        }
        pendingNotifies.add(new Notification(channel, p));
    }

    /** pg_listening_channels(). */
    List<String> listeningChannels() {
        return new ArrayList<>(listenChannels);
    }

    // ------------------------------------------------------------------ transaction end

    boolean hasPending() {
        return !pendingActions.isEmpty() || !pendingNotifies.isEmpty();
    }

    /**
     * cf. PreCommit_Notify(): registers a new listener and appends the notifications. Throws
     * 54000 when the queue is full; the caller then aborts the transaction.
     */
    void preCommit() {
        if (!hasPending()) return;
        Notifications queue = env.postmaster().notifications();
        for (PendingAction a : pendingActions) {
            if (a.action() == Action.LISTEN && !registered) {
                queue.listen(env.process(), env.databaseOid());
                registered = true;
            }
        }
        if (!pendingNotifies.isEmpty()) {
            queue.send(env.process(), env.databaseOid(), new ArrayList<>(pendingNotifies));
        }
    }

    /** cf. AtCommit_Notify(): the actions change the channel list; no channel left, no listener. */
    void atCommit() {
        if (!hasPending()) return;
        for (PendingAction a : pendingActions) {
            switch (a.action()) {
                case LISTEN -> listenChannels.add(a.channel());
                case UNLISTEN -> listenChannels.remove(a.channel());
                case UNLISTEN_ALL -> listenChannels.clear();
            }
        }
        clearPending();
        if (registered && listenChannels.isEmpty()) unregister();
    }

    /** cf. AtAbort_Notify(): what the transaction asked for is dropped. */
    void atAbort() {
        clearPending();
        // a LISTEN whose commit failed may have registered us already
        if (registered && listenChannels.isEmpty()) unregister();
    }

    /** The session ends (cf. Async_UnlistenOnExit()). */
    void atSessionEnd() {
        clearPending();
        listenChannels.clear();
        if (registered) unregister();
    }

    private void clearPending() {
        pendingActions.clear();
        pendingNotifies.clear();
    }

    private void unregister() {
        registered = false;
        env.postmaster().notifications().unlisten(env.process());
    }

    // ------------------------------------------------------------------ delivery

    /**
     * cf. ProcessNotifyInterrupt() and asyncQueueReadAllNotifications(): reads what arrived and
     * hands the notifications for our channels to the sink. Returns how many it wrote.
     */
    int deliver(ResponseSink sink) {
        if (!registered) return 0;
        int[] written = new int[1];
        env.postmaster().notifications().read(env.process(), (pid, channel, payload) -> {
            if (listenChannels.contains(channel)) {
                sink.notification(pid, channel, payload);
                written[0]++;
            }
        });
        return written[0];
    }

    private static int utf8Length(String s) {
        int n = s.length();
        // ASCII fast path: one byte a char
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) >= 0x80) return s.getBytes(StandardCharsets.UTF_8).length;
        }
        return n;
    }
}
