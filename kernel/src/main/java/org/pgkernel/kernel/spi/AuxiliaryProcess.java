package org.pgkernel.kernel.spi;

import org.pgkernel.kernel.api.BackendType;
import org.pgkernel.kernel.api.ServerProcess;

/**
 * An auxiliary process type, registered as a service by its bundle (checkpointer, background
 * writer, WAL writer …). While the service is registered and the postmaster's state admits
 * it, the postmaster keeps one process of this type running on a platform thread; when the
 * service goes away (bundle stopped or updated) the postmaster sends the process SIGTERM and
 * reaps it. cf. postmaster.c's StartChildProcess() and the PMState rules for each child.
 */
public interface AuxiliaryProcess {

    /** When the postmaster may start it. */
    enum StartTime {
        /** As soon as the postmaster starts (e.g. logger, checkpointer). */
        POSTMASTER_START,
        /** Once recovery reached a consistent state (hot standby). */
        CONSISTENT_STATE,
        /** Once recovery finished and the server runs normally (e.g. autovacuum launcher, walwriter). */
        RECOVERY_FINISHED
    }

    BackendType backendType();

    StartTime startTime();

    /** Required for normal running: the postmaster waits for it before reporting ready. */
    boolean requiredForRun();

    /**
     * The main loop. Returns when the process should exit (after SIGTERM it must return
     * promptly). Waits on {@code self.latch()} and calls {@code self.checkForInterrupts()}.
     */
    void run(ServerProcess self) throws Exception;
}
