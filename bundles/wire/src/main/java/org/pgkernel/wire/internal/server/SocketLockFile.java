package org.pgkernel.wire.internal.server;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Set;
import org.pgkernel.kernel.api.ErrorSeverity;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.SqlState;

/**
 * The interlock file {@code .s.PGSQL.<port>.lock} beside a Unix-domain socket, as
 * miscinit.c CreateLockFile() writes it for CreateSocketLockFile():
 * <pre>
 *   line 1  postmaster pid
 *   line 2  data directory
 *   line 3  start time (seconds since the epoch)
 *   line 4  port
 *   line 5  socket directory
 * </pre>
 * each line ending in a newline, mode 0600. A lock file whose pid is not a live process (or
 * is this JVM or its parent) is stale: it is removed and the file created again. One whose
 * pid is alive means another server uses the socket: FATAL F0001, worded as PostgreSQL.
 */
final class SocketLockFile {
    private static final Set<PosixFilePermission> MODE_0600 = PosixFilePermissions.fromString("rw-------");
    /** CreateLockFile() gives up after this many create/remove rounds. */
    private static final int MAX_TRIES = 100;

    private SocketLockFile() { }

    /** Creates the lock file for {@code socketFile}; throws a FATAL PgException as CreateLockFile() does. */
    static Path create(Path socketFile, long pid, String dataDirectory, long startTime, int port, String socketDir) {
        Path lock = socketFile.resolveSibling(socketFile.getFileName() + ".lock");
        String content = pid + "\n" + dataDirectory + "\n" + startTime + "\n" + port + "\n" + socketDir + "\n";
        for (int tries = 0; ; tries++) {
            try (OutputStream out = Files.newOutputStream(lock, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                try {
                    Files.setPosixFilePermissions(lock, MODE_0600);
                } catch (UnsupportedOperationException ignored) {
                    // not a POSIX file system: nothing to restrict
                }
                out.write(content.getBytes(StandardCharsets.UTF_8));
                return lock;
            } catch (FileAlreadyExistsException e) {
                if (tries >= MAX_TRIES) throw fatal("could not create lock file \"%s\": %s", lock, "File exists");
                checkStale(lock, socketFile, pid);
            } catch (IOException e) {
                throw fatal("could not create lock file \"%s\": %s", lock, strerror(e));
            }
        }
    }

    /** Returns when {@code lock} was stale and is now removed; throws FATAL when a live process holds it. */
    private static void checkStale(Path lock, Path socketFile, long myPid) {
        String text;
        try {
            text = Files.readString(lock, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return; // removed meanwhile: try again
        } catch (IOException e) {
            throw fatal("could not open lock file \"%s\": %s", lock, strerror(e));
        }
        if (text.isEmpty()) {
            throw fatal("lock file \"%s\" is empty", lock)
                    .withHint("Either another server is starting, or the lock file is the remnant of a previous "
                            + "server startup crash.");
        }
        long encodedPid = atoi(text);
        long otherPid = Math.abs(encodedPid);
        if (otherPid <= 0) {
            throw fatal("bogus data in lock file \"%s\": \"%s\"", lock, text);
        }
        long parentPid = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
        boolean alive = otherPid != myPid && otherPid != parentPid
                && ProcessHandle.of(otherPid).map(ProcessHandle::isAlive).orElse(false);
        if (alive) {
            throw fatal("lock file \"%s\" already exists", lock)
                    .withHint(String.format("Is another %s (PID %d) using socket file \"%s\"?",
                            encodedPid < 0 ? "postgres" : "postmaster", otherPid, socketFile));
        }
        try {
            Files.deleteIfExists(lock);
        } catch (IOException e) {
            throw fatal("could not remove old lock file \"%s\": %s", lock, strerror(e))
                    .withHint("The file seems accidentally left over, but it could not be removed. Please remove "
                            + "the file by hand and try again.");
        }
    }

    /** C's atoi(): the leading integer, 0 when there is none. */
    private static long atoi(String s) {
        int i = 0;
        int n = s.length();
        while (i < n && Character.isWhitespace(s.charAt(i))) i++;
        int start = i;
        if (i < n && (s.charAt(i) == '-' || s.charAt(i) == '+')) i++;
        while (i < n && i - start < 12 && Character.isDigit(s.charAt(i))) i++;
        try {
            return Long.parseLong(s.substring(start, i));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Sets the file's modification time to now, so that /tmp cleaners leave it alone (TouchSocketLockFiles()). */
    static void touch(Path lock) {
        try {
            Files.setLastModifiedTime(lock, FileTime.from(Instant.now()));
        } catch (IOException ignored) {
            // as PostgreSQL: nothing to be done about it
        }
    }

    static String strerror(IOException e) {
        if (e instanceof NoSuchFileException) return "No such file or directory";
        if (e instanceof AccessDeniedException) return "Permission denied";
        if (e instanceof FileAlreadyExistsException) return "File exists";
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    private static PgException fatal(String format, Object... args) {
        return new PgException(ErrorSeverity.FATAL, SqlState.LOCK_FILE_EXISTS,
                String.format(java.util.Locale.ROOT, format, args), null, null, 0, null, null);
    }
}
