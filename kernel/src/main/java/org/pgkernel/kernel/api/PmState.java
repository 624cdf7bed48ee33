package org.pgkernel.kernel.api;

/**
 * The postmaster's states, as postmaster.c's PMState. The postmaster moves forward through
 * them; only a crash restart (back to STARTUP) or the end of shutdown leaves the line.
 */
public enum PmState {
    /** Loading configuration, creating shared memory. */
    INIT,
    /** The startup process runs; no connections yet (57P03 "starting up"). */
    STARTUP,
    /** WAL redo in progress (57P03 "not yet accepting connections"). */
    RECOVERY,
    /** Recovery continues, read-only connections allowed. */
    HOT_STANDBY,
    /** Normal operation. */
    RUN,
    /** Smart shutdown requested: existing sessions go on, new ones are refused. */
    STOP_BACKENDS,
    /** Waiting for backends to exit. */
    WAIT_BACKENDS,
    /** Waiting for the checkpointer's shutdown checkpoint. */
    SHUTDOWN,
    /** Waiting for the WAL senders and archiver. */
    SHUTDOWN_2,
    /** Waiting for dead-end children to go away. */
    WAIT_DEAD_END,
    /** Every child gone; the postmaster exits or reinitialises after a crash. */
    NO_CHILDREN
}
