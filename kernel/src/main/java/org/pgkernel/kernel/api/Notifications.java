package org.pgkernel.kernel.api;

import java.util.List;

/**
 * The shared part of LISTEN/NOTIFY (cf. async.c): one queue of committed notifications in
 * shared memory, read by every listening backend from its own position. Obtained from
 * {@link Postmaster#notifications()}.
 *
 * <p>What stays in the session (as async.c keeps it backend-local): the channels a backend
 * listens on, the LISTEN/UNLISTEN actions and notifications pending until commit, the
 * folding of duplicates, and the filtering of what is read by channel. The kernel only knows
 * whether a backend is a listener, in which database, and how far it has read.
 *
 * <p>Delivery: {@link #send} signals every listener of the sender's database that has
 * something new to read (the sender too, when it listens) with {@link ProcSignal#SIGUSR1};
 * the signalled backend sees it through {@link ServerProcess#takeUsr1()} and calls
 * {@link #read} when it is idle outside a transaction (cf. ProcessNotifyInterrupt()).
 *
 * <p>Every method takes the calling process, which must hold a process-array slot
 * ({@link Postmaster#initProcess}); a process may only act for itself.
 */
public interface Notifications {

    /** NAMEDATALEN: a channel name has at most {@code NAMEDATALEN - 1} (63) bytes. */
    int NAMEDATALEN = 64;

    /** NOTIFY_PAYLOAD_MAX_LENGTH: a payload has at most this minus one (7999) bytes of UTF-8. */
    int NOTIFY_PAYLOAD_MAX_LENGTH = 8000;

    /** One notification a transaction sends: channel (1..63 bytes) and payload ("" when none, never null). */
    record Notification(String channel, String payload) { }

    /** Receives what {@link #read} finds, one call per notification of the reader's database. */
    @FunctionalInterface
    interface Receiver {
        void notification(int senderPid, String channel, String payload);
    }

    /**
     * Makes {@code self} a listener in {@code databaseOid}, reading from the queue's current
     * head: it sees what commits from now on (cf. Exec_ListenPreCommit()). A no-op when it
     * already listens in that database.
     */
    void listen(ServerProcess self, int databaseOid);

    /** {@code self} listens no more (cf. asyncQueueUnregister()); a no-op when it does not listen. */
    void unlisten(ServerProcess self);

    /**
     * Appends the notifications of a committing transaction, in order, all or none (cf.
     * PreCommit_Notify() and asyncQueueAddEntries()), then signals the listeners that have
     * something to read (cf. SignalBackends()). Throws ERROR 54000 "too many notifications in
     * the NOTIFY queue" when they do not fit; then nothing was appended.
     */
    void send(ServerProcess self, int databaseOid, List<Notification> notifications);

    /**
     * Hands every notification of {@code self}'s database from its position to the head to
     * {@code receiver}, in the order sent, and moves its position past them (cf.
     * asyncQueueReadAllNotifications()). The position moves before the receiver is called: a
     * receiver that throws loses the rest of what was read with it. Returns how many were
     * handed over; 0 when {@code self} is not a listener.
     */
    int read(ServerProcess self, Receiver receiver);

    /** pg_notification_queue_usage(): the fraction of the queue's pages in use, 0 to 1. */
    double usage();
}
