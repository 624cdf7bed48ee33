package org.pgkernel.wire.internal.tls;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgkernel.wire.testing.TestPki;

class KeyFileCheckTest {
    @TempDir
    Path dir;

    @Test
    void accepts_a_key_only_its_owner_can_read() throws Exception {
        Path key = TestPki.write(dir.resolve("server.key"), "k", "rw-------");
        assertDoesNotThrow(() -> KeyFileCheck.check(key, "server.key", dir));
        TestPki.write(key, "k", "r--------");
        assertDoesNotThrow(() -> KeyFileCheck.check(key, "server.key", dir));
    }

    @Test
    void refuses_a_key_with_group_or_world_access_as_postgresql_does() throws Exception {
        for (String mode : new String[] {"rw-r--r--", "rw-r-----", "rw----r--", "rw-rw----", "rwx--x---"}) {
            Path key = TestPki.write(dir.resolve("server.key"), "k", mode);
            TlsConfigException e = assertThrows(TlsConfigException.class, () -> KeyFileCheck.check(key, "server.key", dir));
            assertEquals("private key file \"server.key\" has group or world access", e.getMessage(), mode);
            assertEquals("File must have permissions u=rw (0600) or less if owned by the database user, "
                    + "or permissions u=rw,g=r (0640) or less if owned by root.", e.detail());
        }
    }

    @Test
    void refuses_what_is_missing_or_not_a_regular_file() throws Exception {
        assertEquals("could not access private key file \"absent.key\": No such file or directory",
                assertThrows(TlsConfigException.class,
                        () -> KeyFileCheck.check(dir.resolve("absent.key"), "absent.key", dir)).getMessage());
        Path sub = Files.createDirectory(dir.resolve("keydir"));
        assertEquals("private key file \"keydir\" is not a regular file",
                assertThrows(TlsConfigException.class, () -> KeyFileCheck.check(sub, "keydir", dir)).getMessage());
    }
}
