package org.pgkernel.kernel.spi;

import org.pgkernel.kernel.api.ServerProcess;

/**
 * PostgreSQL's background worker contract for Java (cf. bgworker.h): registered statically
 * as a service by a bundle, or dynamically from a running process. Appears in
 * pg_stat_activity with backend_type "background worker" (or its {@link #type()}).
 */
public interface BackgroundWorker {

    enum StartTime { POSTMASTER_START, CONSISTENT_STATE, RECOVERY_FINISHED }

    /** Flag: the worker attaches to shared memory (a crash of it is a crash of the server). */
    int SHMEM_ACCESS = 1;
    /** Flag: the worker may connect to a database and run SQL. */
    int DATABASE_CONNECTION = 2;

    /** bgw_name: shown in pg_stat_activity and the log. */
    String name();

    /** bgw_type: shown as backend_type. */
    default String type() { return name(); }

    int flags();

    StartTime startTime();

    /** Seconds to wait before restarting after a crash, -1 never (BGW_NEVER_RESTART). */
    int restartSeconds();

    void main(ServerProcess self, BackgroundWorkerContext context) throws Exception;

    /** What a worker can do besides being a process. */
    interface BackgroundWorkerContext {
        /** Runs SQL as a role in a database (needs {@link #DATABASE_CONNECTION}); returns each row's text values. */
        java.util.List<String[]> execute(String database, String role, String sql);
    }
}
