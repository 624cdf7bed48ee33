package org.pgkernel.kernel.api;

/** The main function of a server process (PostgresMain, an auxiliary process's main loop …). */
@FunctionalInterface
public interface ProcessBody {
    /**
     * Runs the process. Returning normally is exit status 0. Throwing a {@link PgException}
     * of severity FATAL is exit status 1; both are reaped and forgotten. PANIC, or any other
     * Throwable, is a crash: the postmaster restarts the server (DESIGN.md §2).
     */
    void run(ServerProcess self) throws Exception;
}
