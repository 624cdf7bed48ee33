package org.pgkernel.kernel.api;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.pgkernel.kernel.spi.guc.GucRegistry;

/**
 * The kernel's service to the other bundles: launching and signalling processes, the
 * process array, settings, the LISTEN/NOTIFY queue. Registered by the kernel bundle while the
 * postmaster runs.
 */
public interface Postmaster {

    PmState state();

    /** The data directory as given to -D. */
    Path dataDirectory();

    Instant startTime();

    GucRegistry settings();

    /**
     * What version() returns and the postmaster logs first ("starting …"): PostgreSQL's
     * shape, "PostgreSQL 15.x (pgkernel v) on arch-pc-linux-gnu, compiled by OpenJDK n, 64-bit".
     */
    default String versionString() {
        String arch = System.getProperty("os.arch", "x86_64");
        if (arch.equals("amd64")) arch = "x86_64";
        return "PostgreSQL " + settings().value("server_version") + " (pgkernel 0.1.0) on " + arch
                + "-pc-linux-gnu, compiled by OpenJDK " + Runtime.version().feature() + ", 64-bit";
    }

    /**
     * Launches a process of the given type running {@code body}. For client backends this is
     * fork() after the startup packet. Throws FATAL 57P03 when the postmaster's state does
     * not admit this kind of process (cf. canAcceptConnections()).
     */
    ServerProcess launch(BackendType type, String title, ProcessBody body);

    /**
     * Takes a slot in the process array for the calling process (InitProcess()): throws
     * FATAL 53300 "sorry, too many clients already" when none is free, or "remaining
     * connection slots are reserved …" for a non-superuser in the reserved range.
     */
    BackendStatus initProcess(ServerProcess self, boolean superuser);

    /** A CancelRequest: cancels the backend's query when pid and key match; silent otherwise. */
    void cancelRequest(int pid, int key);

    /** Delivers a signal to a live process; false when there is no process with that pid. */
    boolean signal(int pid, ProcSignal signal);

    /** The process with that pid, if alive. */
    ServerProcess process(int pid);

    /** pg_stat_activity's rows, read from the process array. */
    List<Activity> activity();

    /** pg_stat_ssl's rows: every client backend that has reported its session, read from the process array. */
    default List<SslStatus> sslStatus() {
        return List.of();
    }

    /** Asks the postmaster to reload the configuration files (pg_reload_conf()). */
    void requestReload();

    /**
     * A part the server cannot start without failed (pg_hba.conf does not load, say): while
     * the postmaster is still starting up it logs {@code reason} as FATAL and exits with 1, as
     * PostgreSQL does; once the server runs, the call only logs it.
     */
    default void failStartup(PgException reason) {
    }

    /**
     * The LISTEN/NOTIFY queue in shared memory. Ask again rather than keep it: a crash restart
     * re-creates it. Throws FATAL 57P03 while shared memory does not exist.
     */
    Notifications notifications();
}
