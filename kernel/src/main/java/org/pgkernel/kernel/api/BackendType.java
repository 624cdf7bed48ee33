package org.pgkernel.kernel.api;

/**
 * The kinds of server processes, with the exact strings PostgreSQL shows in
 * {@code pg_stat_activity.backend_type}.
 */
public enum BackendType {
    CLIENT_BACKEND("client backend", false),
    AUTOVACUUM_LAUNCHER("autovacuum launcher", true),
    AUTOVACUUM_WORKER("autovacuum worker", true),
    BACKGROUND_WORKER("background worker", false),
    BACKGROUND_WRITER("background writer", true),
    CHECKPOINTER("checkpointer", true),
    STARTUP("startup", true),
    WAL_WRITER("walwriter", true),
    WAL_SENDER("walsender", false),
    WAL_RECEIVER("walreceiver", true),
    ARCHIVER("archiver", true),
    LOGGER("logger", true),
    LOGICAL_REPLICATION_LAUNCHER("logical replication launcher", false);

    private final String displayName;
    private final boolean auxiliary;

    BackendType(String displayName, boolean auxiliary) {
        this.displayName = displayName;
        this.auxiliary = auxiliary;
    }

    /** The string of pg_stat_activity.backend_type. */
    public String displayName() { return displayName; }

    /** Auxiliary processes run on platform threads; backends and workers on virtual threads. */
    public boolean isAuxiliary() { return auxiliary; }
}
