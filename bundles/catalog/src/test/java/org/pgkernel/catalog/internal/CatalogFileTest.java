package org.pgkernel.catalog.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgkernel.catalog.api.Database;
import org.pgkernel.catalog.api.Membership;
import org.pgkernel.catalog.api.Role;

/** The file format: round trips, strict reading, atomic writing. */
class CatalogFileTest {
    @TempDir
    Path dir;

    private static CatalogState sample() {
        CatalogState boot = CatalogState.bootstrap("postgres", "SCRAM-SHA-256$4096:c2FsdA==$"
                + "4HP6SoFRWqoOeOVo5o/g7Rq9Da4p99hYhtlvEr3cg6c=:7FSoTnY405Y1jaC6FWaefGN70itJikpnUEpo0h+WEH8=", "UTF8", "C");
        List<Role> roles = new ArrayList<>(boot.roles);
        roles.add(new Role(16384, "we \"ird\"\nname\\ with\ttabs \u00e9\u0001", false, false, true, false, true, false, true,
                7, "md5aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", Instant.parse("2030-01-02T03:04:05.123456Z")));
        roles.add(new Role(16385, "forever", false, true, false, true, false, true, false, -1, null, Instant.MAX));
        roles.add(new Role(16386, "never", false, true, false, false, false, false, false, -1, "x y=z", Instant.MIN));
        List<Membership> members = new ArrayList<>(boot.memberships);
        members.add(new Membership(16385, 16384, 10, true));
        List<Database> dbs = new ArrayList<>(boot.databases);
        dbs.add(new Database(16387, "my db", 16384, "LATIN1", "de_DE", "en_US", true, false, 3));
        return new CatalogState(42, 16388, roles, dbs, members);
    }

    @Test
    void what_is_written_reads_back_the_same() throws IOException {
        CatalogState s = sample();
        CatalogFile.write(dir, s, true);
        CatalogState r = CatalogFile.read(dir);
        assertEquals(s.version, r.version);
        assertEquals(s.nextOid, r.nextOid);
        assertEquals(s.roles, r.roles);
        assertEquals(s.databases, r.databases);
        assertEquals(s.memberships, r.memberships);
        assertFalse(Files.exists(dir.resolve("pg_shared_catalog.tmp")));
        // one record a line, whatever the names hold
        String text = Files.readString(dir.resolve("pg_shared_catalog"));
        assertEquals(2 + 3 + s.roles.size() + s.memberships.size() + s.databases.size(), text.split("\n").length);
    }

    @Test
    void the_file_reads_as_documented() throws IOException {
        String text = """
                # comment
                pgkernel-shared-catalog 1
                version 3
                next-oid 16390

                role 10 "admin" superuser inherit createrole createdb login replication bypassrls connlimit=-1 password="md5aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                role 16384 "app" inherit login connlimit=5 valid-until=2031-05-06T07:08:09Z
                role 4294967295 "high" connlimit=-1
                member 16384 10 grantor=10 admin
                database 5 "postgres" owner=10 encoding="UTF8" collate="C" ctype="C" allowconn connlimit=-1
                database 4 "template0" owner=10 encoding="UTF8" collate="C" ctype="C" template connlimit=-1
                """;
        CatalogState s = CatalogFile.parse(dir.resolve("f"), text);
        assertEquals(3, s.version);
        assertEquals(16390, s.nextOid);
        Role admin = s.role("admin");
        assertTrue(admin.superuser() && admin.login() && admin.bypassRls());
        assertEquals("md5aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", admin.password());
        Role app = s.role("app");
        assertEquals(new Role(16384, "app", false, true, false, false, true, false, false, 5, null,
                Instant.parse("2031-05-06T07:08:09Z")), app);
        assertEquals(-1, s.role("high").oid(), "OIDs are unsigned");
        assertEquals(List.of(new Membership(16384, 10, 10, true)), s.memberships);
        assertFalse(s.database("template0").allowConnections());
        assertTrue(s.database("template0").isTemplate());
    }

    @Test
    void a_bad_line_makes_the_file_unreadable_and_is_named() {
        String head = "pgkernel-shared-catalog 1\nversion 1\nnext-oid 16384\n";
        for (String[] bad : new String[][] {
                {"role 10 \"x\" superuser", "line 4", "connlimit missing"},
                {"role 10 \"x\" connlimit=-1 sorcerer", "line 4", "unknown flag"},
                {"role ten \"x\" connlimit=-1", "line 4", "bad OID"},
                {"role 10 \"x connlimit=-1", "line 4", "unterminated quote"},
                {"member 1 2", "line 4", "grantor missing"},
                {"table 1", "line 4", "unknown record"},
                {"role 10 \"x\" connlimit=-1\nrole 10 \"y\" connlimit=-1", "duplicate role OID 10", "duplicate OID"}}) {
            IOException e = assertThrows(IOException.class, () -> CatalogFile.parse(Path.of("f"), head + bad[0] + "\n"), bad[2]);
            assertTrue(e.getMessage().contains(bad[1]), bad[2] + ": " + e.getMessage());
        }
        assertThrows(IOException.class, () -> CatalogFile.parse(Path.of("f"), "pgkernel-shared-catalog 2\n"));
        assertThrows(IOException.class, () -> CatalogFile.parse(Path.of("f"), "version 1\n"));
        assertThrows(IOException.class, () -> CatalogFile.parse(Path.of("f"), "pgkernel-shared-catalog 1\n"));
    }

    @Test
    void a_failed_write_leaves_the_old_file_as_it_was() throws IOException {
        CatalogState old = CatalogState.bootstrap("postgres", null, "UTF8", "C");
        CatalogFile.write(dir, old, true);
        byte[] before = Files.readAllBytes(dir.resolve("pg_shared_catalog"));
        // the temporary file's name is taken by a non-empty directory: opening it fails
        Files.createDirectories(dir.resolve("pg_shared_catalog.tmp/blocker"));
        assertThrows(IOException.class, () -> CatalogFile.write(dir, sample(), true));
        assertEquals(new String(before, StandardCharsets.UTF_8),
                new String(Files.readAllBytes(dir.resolve("pg_shared_catalog")), StandardCharsets.UTF_8));
    }

    @Test
    void a_stale_temporary_file_is_replaced() throws IOException {
        Files.writeString(dir.resolve("pg_shared_catalog.tmp"), "garbage left by a crash, longer than nothing at all");
        CatalogFile.write(dir, sample(), false);
        assertEquals(42, CatalogFile.read(dir).version);
        assertFalse(Files.exists(dir.resolve("pg_shared_catalog.tmp")));
    }
}
