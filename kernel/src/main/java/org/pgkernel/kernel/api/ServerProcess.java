package org.pgkernel.kernel.api;

/**
 * A server process: a thread with PostgreSQL's process contract (DESIGN.md §2). It has a
 * pid unique among live processes, a backend type, a latch, pending signals and a
 * ps-style title that is also its thread name.
 *
 * <p>Only the process's own thread calls {@link #checkForInterrupts()}, {@link #setTitle}
 * and the wait-event methods; {@link #latch()} and signal delivery are for everyone.
 */
public interface ServerProcess {

    /** The process running on the calling thread, or null on a thread that is not one. */
    static ServerProcess current() { return Processes.CURRENT.get(); }

    int pid();

    /** The secret key of BackendKeyData for client backends (0 for other processes). */
    int cancelKey();

    BackendType backendType();

    Latch latch();

    /**
     * Acts on pending interrupts, as ProcessInterrupts() does: a pending terminate throws
     * FATAL 57P01, a pending cancel throws ERROR 57014 (unless interrupts are held off), a
     * pending quit throws FATAL. Cheap when nothing is pending.
     */
    void checkForInterrupts();

    /** Sets the ps-style title (also the thread name), e.g. {@code postgres: postgres db 127.0.0.1(5432) idle}. */
    void setTitle(String title);

    /** The wait event shown in pg_stat_activity (type and name), null when not waiting. */
    void setWaitEvent(String type, String name);

    /** Nesting counter of QueryCancelHoldoffCount: while held, a cancel stays pending. */
    void holdCancelInterrupts();

    void resumeCancelInterrupts();

    /** Requests a cancel of this process's current statement with the given reason. */
    void requestCancel(CancelReason reason);

    /** Clears a pending cancel (at the start of each statement, as PostgreSQL's does). */
    void clearCancel();

    /** true when SIGTERM or SIGQUIT arrived and the process must exit. */
    boolean isTerminating();

    /** Takes and clears a pending SIGHUP (reload request); the process then re-reads settings. */
    boolean takeReloadRequest();

    /**
     * Takes and clears a pending SIGUSR1, set by {@link Postmaster#signal} or by the
     * notification queue when there is something to read ({@link Notifications}).
     */
    boolean takeUsr1();

    /** Holder of the current process; the kernel binds it for each process's thread. */
    final class Processes {
        /** Bound by the kernel on each process thread; the kernel's MyProc. */
        public static final ThreadLocal<ServerProcess> CURRENT = new ThreadLocal<>();
        private Processes() { }
    }
}
