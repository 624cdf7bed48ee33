package org.pgkernel.kernel.api;

/**
 * The signals the kernel delivers to its processes. Delivery sets a pending flag and the
 * target's latch; the target acts at its next {@link ServerProcess#checkForInterrupts()}.
 */
public enum ProcSignal {
    /** Cancel the current query (57014). */
    SIGINT,
    /** Terminate the process (57P01 for a backend). */
    SIGTERM,
    /** Reload the configuration files. */
    SIGHUP,
    /** Quit at once: crash shutdown or immediate shutdown. */
    SIGQUIT,
    /** Wake up and look at the process's reason flags (notify, catchup). */
    SIGUSR1,
    /** Process-specific second user signal (e.g. shutdown checkpoint request). */
    SIGUSR2
}
