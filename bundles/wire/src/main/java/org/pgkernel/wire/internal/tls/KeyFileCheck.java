package org.pgkernel.wire.internal.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * The private key file's ownership and mode, checked before it is read, as
 * be-secure-common.c check_ssl_key_file() does: a regular file, owned by the server's user or
 * root, and no access for others (u=rw, 0600, or less when owned by the server's user; u=rw,g=r,
 * 0640, or less when owned by root, so that a system-wide key readable through a group works).
 *
 * <p>The server's effective uid is the owner of {@code /proc/self} (Linux); where that cannot
 * be read, the owner of the data directory, which PostgreSQL requires to be the server's user
 * anyway. Where the file system has no POSIX attributes the check is skipped, as PostgreSQL
 * skips it on Windows.
 */
public final class KeyFileCheck {
    private KeyFileCheck() { }

    static final String MODE_DETAIL = "File must have permissions u=rw (0600) or less if owned by the database user, "
            + "or permissions u=rw,g=r (0640) or less if owned by root.";

    /**
     * @param file        the key file, resolved
     * @param displayName the file as the setting names it, for the messages
     * @param dataDir     the data directory (fallback for the server's uid)
     */
    public static void check(Path file, String displayName, Path dataDir) throws TlsConfigException {
        int owner;
        Set<PosixFilePermission> mode;
        try {
            if (!Files.isRegularFile(file)) {
                Files.readAttributes(file, "basic:isRegularFile"); // throws when it does not exist
                throw new TlsConfigException("private key file \"" + displayName + "\" is not a regular file");
            }
            try {
                owner = (Integer) Files.getAttribute(file, "unix:uid");
                mode = Files.getPosixFilePermissions(file);
            } catch (UnsupportedOperationException | IllegalArgumentException e) {
                return;
            }
        } catch (IOException e) {
            throw new TlsConfigException("could not access private key file \"" + displayName + "\": "
                    + PemFiles.strerror(e));
        }
        int self = serverUid(dataDir);
        if (self < 0) return;
        if (owner != self && owner != 0) {
            throw new TlsConfigException("private key file \"" + displayName
                    + "\" must be owned by the database user or root");
        }
        boolean tooOpen;
        if (owner == self) {
            tooOpen = mode.stream().anyMatch(p -> !p.name().startsWith("OWNER"));
        } else {
            tooOpen = mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.GROUP_EXECUTE)
                    || mode.stream().anyMatch(p -> p.name().startsWith("OTHERS"));
        }
        if (tooOpen) {
            throw new TlsConfigException("private key file \"" + displayName + "\" has group or world access",
                    MODE_DETAIL);
        }
    }

    /** geteuid(): the owner of /proc/self, else of the data directory; -1 when neither can be read. */
    static int serverUid(Path dataDir) {
        for (Path p : new Path[] {Path.of("/proc/self"), dataDir}) {
            if (p == null) continue;
            try {
                return (Integer) Files.getAttribute(p, "unix:uid");
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                // try the next
            }
        }
        return -1;
    }
}
