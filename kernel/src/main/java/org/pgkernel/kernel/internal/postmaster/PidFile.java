package org.pgkernel.kernel.internal.postmaster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.pgkernel.kernel.api.ErrorSeverity;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.SqlState;

/**
 * postmaster.pid, with PostgreSQL's lines (cf. miscinit.c CreateLockFile() and pidfile.h):
 * 1 pid, 2 data directory, 3 start time (epoch seconds), 4 port, 5 first socket directory,
 * 6 first listen address, 7 shared memory key and id, 8 status ("starting", "stopping",
 * "ready", "standby", padded to 8 characters). pg_ctl and the harness read these lines.
 */
final class PidFile {
    static final String STARTING = "starting", STOPPING = "stopping", READY = "ready   ", STANDBY = "standby ";

    private final Path file;

    PidFile(Path dataDir) { this.file = dataDir.resolve("postmaster.pid"); }

    /**
     * Creates the lock file, refusing when another live postmaster holds it (FATAL F0001 as
     * PostgreSQL words it); a file left by a dead process is stale and replaced.
     */
    void create(long pid, String dataDir, long startEpoch, String port) {
        if (Files.exists(file)) {
            try {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                if (!lines.isEmpty()) {
                    long other = Long.parseLong(lines.get(0).trim());
                    if (other != pid && ProcessHandle.of(other).map(ProcessHandle::isAlive).orElse(false)) {
                        throw new PgException(ErrorSeverity.FATAL, SqlState.LOCK_FILE_EXISTS,
                                "lock file \"postmaster.pid\" already exists", null,
                                "Is another postmaster (PID " + other + ") running in data directory \"" + dataDir + "\"?",
                                0, null, null);
                    }
                }
            } catch (IOException | NumberFormatException stale) {
                // unreadable or garbage: treat as stale, as PostgreSQL does for a bad pid
            }
        }
        write(String.join("\n", Long.toString(pid), dataDir, Long.toString(startEpoch), port, "", "", "", STARTING) + "\n");
    }

    /** Fills lines 5–7 once the sockets and shared memory exist. */
    void addListenInfo(String socketDir, String listenAddr, long shmKey) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        while (lines.size() < 8) lines.add("");
        lines.set(4, socketDir);
        lines.set(5, listenAddr);
        lines.set(6, String.format("%9d %9d", shmKey, 0));
        write(String.join("\n", lines) + "\n");
    }

    void setStatus(String status) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            while (lines.size() < 8) lines.add("");
            lines.set(7, status);
            write(String.join("\n", lines) + "\n");
        } catch (IOException e) {
            // pg_ctl will time out and say so; nothing else depends on the status line
        }
    }

    void remove() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // the next start treats it as stale
        }
    }

    private void write(String content) {
        Path tmp = file.resolveSibling("postmaster.pid.tmp");
        try {
            Files.writeString(tmp, content, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new PgException(ErrorSeverity.FATAL, SqlState.IO_ERROR,
                    "could not write lock file \"postmaster.pid\": " + e.getMessage(), null, null, 0, null, e);
        }
    }
}
