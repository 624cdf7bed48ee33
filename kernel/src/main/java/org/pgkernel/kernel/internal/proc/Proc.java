package org.pgkernel.kernel.internal.proc;

import java.util.concurrent.atomic.AtomicInteger;
import org.pgkernel.kernel.api.BackendType;
import org.pgkernel.kernel.api.CancelReason;
import org.pgkernel.kernel.api.ErrorSeverity;
import org.pgkernel.kernel.api.Latch;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.ProcSignal;
import org.pgkernel.kernel.api.ServerProcess;
import org.pgkernel.kernel.api.SqlState;
import org.pgkernel.logging.LogContext;

/**
 * A server process: its identity, latch and pending interrupts (cf. globals.c
 * InterruptPending/QueryCancelPending/ProcDiePending and ProcessInterrupts()).
 *
 * <p>Signals are bits in one atomic word so that delivery from any thread is a single CAS
 * followed by a latch set; the owning thread consumes them in {@link #checkForInterrupts()}.
 */
public final class Proc implements ServerProcess {
    static final int SIG_CANCEL = 1, SIG_TERM = 2, SIG_HUP = 4, SIG_QUIT = 8, SIG_USR1 = 16, SIG_USR2 = 32;

    private final int pid;
    private final int cancelKey;
    private final BackendType type;
    private final Latch latch = new Latch();
    private final AtomicInteger pending = new AtomicInteger();
    private final LogContext logContext = new LogContext();
    private volatile CancelReason cancelReason = CancelReason.USER_REQUEST;
    private volatile String title;
    private volatile String waitEventType;
    private volatile String waitEvent;
    private volatile Thread thread;
    private int cancelHoldoff;
    /** What a SIGTERM means to this process (for backends: "terminating connection due to administrator command"). */
    private volatile String terminateMessage = "terminating connection due to administrator command";
    private volatile SqlState terminateState = SqlState.ADMIN_SHUTDOWN;
    private volatile ErrorSeverity terminateSeverity = ErrorSeverity.FATAL;
    /** Process array slot, -1 when the process holds none. */
    volatile int slot = -1;
    /** The process's own process-array slot while it holds one; written only by the process itself. */
    volatile ProcArray.Slot status;

    public Proc(int pid, int cancelKey, BackendType type, String title) {
        this.pid = pid;
        this.cancelKey = cancelKey;
        this.type = type;
        this.title = title;
        logContext.pid = pid;
        logContext.backendType = type.displayName();
    }

    @Override public int pid() { return pid; }
    @Override public int cancelKey() { return cancelKey; }
    @Override public BackendType backendType() { return type; }
    @Override public Latch latch() { return latch; }
    public LogContext logContext() { return logContext; }
    public String title() { return title; }
    public String waitEventType() { return waitEventType; }
    public String waitEvent() { return waitEvent; }
    public Thread thread() { return thread; }
    public int slot() { return slot; }

    /** Records the thread the launcher made for this process (before it starts). */
    public void attachThreadFromLauncher(Thread t) { thread = t; }

    /** Delivers a signal: sets the pending bit and the latch (async-signal-safe in spirit: no locks). */
    public void deliver(ProcSignal s) {
        int bit = switch (s) {
            case SIGINT -> SIG_CANCEL;
            case SIGTERM -> SIG_TERM;
            case SIGHUP -> SIG_HUP;
            case SIGQUIT -> SIG_QUIT;
            case SIGUSR1 -> SIG_USR1;
            case SIGUSR2 -> SIG_USR2;
        };
        if (bit == SIG_CANCEL) cancelReason = CancelReason.USER_REQUEST;
        pending.getAndUpdate(v -> v | bit);
        latch.set();
    }

    /** Sets what SIGTERM/SIGQUIT report to this process's client (fast vs. immediate shutdown, crash). */
    public void setTerminateMessage(ErrorSeverity severity, SqlState state, String message) {
        terminateSeverity = severity;
        terminateState = state;
        terminateMessage = message;
    }

    @Override
    public void requestCancel(CancelReason reason) {
        cancelReason = reason;
        pending.getAndUpdate(v -> v | SIG_CANCEL);
        latch.set();
    }

    @Override
    public void clearCancel() { pending.getAndUpdate(v -> v & ~SIG_CANCEL); }

    @Override
    public void checkForInterrupts() {
        int p = pending.get();
        if (p == 0) return;
        if ((p & (SIG_TERM | SIG_QUIT)) != 0) {
            throw new PgException(terminateSeverity, terminateState, terminateMessage, null, null, 0, null, null);
        }
        if ((p & SIG_CANCEL) != 0 && cancelHoldoff == 0) {
            pending.getAndUpdate(v -> v & ~SIG_CANCEL);
            CancelReason r = cancelReason;
            throw new PgException(r.sqlState(), r.message());
        }
    }

    @Override public boolean isTerminating() { return (pending.get() & (SIG_TERM | SIG_QUIT)) != 0; }

    @Override
    public boolean takeReloadRequest() {
        return (pending.getAndUpdate(v -> v & ~SIG_HUP) & SIG_HUP) != 0;
    }

    @Override
    public boolean takeUsr1() {
        return (pending.getAndUpdate(v -> v & ~SIG_USR1) & SIG_USR1) != 0;
    }

    public boolean isCancelPending() { return (pending.get() & SIG_CANCEL) != 0; }

    @Override
    public void setTitle(String t) {
        title = t;
        Thread th = thread;
        if (th == Thread.currentThread()) th.setName(t);
    }

    @Override
    public void setWaitEvent(String t, String name) {
        waitEventType = t;
        waitEvent = name;
        ProcArray.Slot st = status;
        if (st != null) st.reportWait(t, name); // pgstat_report_wait_start(): pg_stat_activity shows it
    }

    @Override public void holdCancelInterrupts() { cancelHoldoff++; }
    @Override public void resumeCancelInterrupts() { if (cancelHoldoff > 0) cancelHoldoff--; }

    @Override public String toString() { return type.displayName() + " (PID " + pid + ")"; }
}
