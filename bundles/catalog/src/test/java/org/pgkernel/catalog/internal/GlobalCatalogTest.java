package org.pgkernel.catalog.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgkernel.catalog.api.Database;
import org.pgkernel.catalog.api.Membership;
import org.pgkernel.catalog.api.Passwords;
import org.pgkernel.catalog.api.Role;
import org.pgkernel.kernel.api.ErrorSeverity;
import org.pgkernel.kernel.api.PgException;

/** The catalog's rules: OIDs, uniqueness, dependencies, memberships, durability. */
class GlobalCatalogTest {
    @TempDir
    Path dir;
    GlobalCatalog catalog;

    @BeforeEach
    void initdb() throws IOException {
        CatalogBootstrap.initdb(dir, "postgres", "secret", "UTF8", "C", false);
        catalog = new GlobalCatalog(dir, false);
    }

    private static void assertError(String sqlState, String message, Runnable r) {
        PgException e = assertThrows(PgException.class, r::run);
        assertEquals(sqlState + " " + message, e.sqlState().code() + " " + e.getMessage());
        assertEquals(ErrorSeverity.ERROR, e.severity());
    }

    @Test
    void initdb_leaves_what_postgres_15_initdb_leaves() {
        Role su = catalog.role("postgres").orElseThrow();
        assertEquals(10, su.oid());
        assertTrue(su.superuser() && su.inherit() && su.createRole() && su.createDb() && su.login() && su.replication()
                && su.bypassRls());
        assertEquals(Passwords.Type.SCRAM_SHA_256, Passwords.typeOf(su.password()));
        assertTrue(Passwords.verifyPlain("postgres", su.password(), "secret"));
        assertEquals(13, catalog.roles().size());
        assertEquals(4544, catalog.role("pg_checkpoint").orElseThrow().oid());
        assertFalse(catalog.role("pg_monitor").orElseThrow().login());
        assertTrue(catalog.isMemberOf("pg_monitor", "pg_read_all_stats"));
        assertEquals(List.of("postgres", "template0", "template1"), catalog.databases().stream().map(Database::name).toList());
        assertEquals(5, catalog.database("postgres").orElseThrow().oid());
        assertEquals(1, catalog.database("template1").orElseThrow().oid());
        Database t0 = catalog.database(4).orElseThrow();
        assertEquals("template0", t0.name());
        assertTrue(t0.isTemplate());
        assertFalse(t0.allowConnections());
        assertEquals("UTF8", t0.encoding());
    }

    @Test
    void new_roles_and_databases_take_oids_from_16384_up() {
        assertEquals(16384, catalog.createRole(Role.named("alice")).oid());
        assertEquals(16385, catalog.createDatabase("d1", "alice").oid());
        assertEquals(16386, catalog.createRole(Role.named("bob")).oid());
        catalog.dropRole("bob");
        assertEquals(16387, catalog.createRole(Role.named("carol")).oid(), "OIDs are not reused at once");
        // the counter survives a restart
        GlobalCatalog again = new GlobalCatalog(dir, false);
        assertEquals(16388, again.createRole(Role.named("dave")).oid());
    }

    @Test
    void names_are_unique() {
        catalog.createRole(Role.named("alice"));
        assertError("42710", "role \"alice\" already exists", () -> catalog.createRole(Role.named("alice")));
        Role bob = catalog.createRole(Role.named("bob"));
        assertError("42710", "role \"alice\" already exists", () -> catalog.alterRole(bob.withName("alice")));
        catalog.createDatabase("d1", "alice");
        assertError("42P04", "database \"d1\" already exists", () -> catalog.createDatabase("d1", "alice"));
        assertError("42704", "role \"nobody\" does not exist", () -> catalog.dropRole("nobody"));
        assertError("3D000", "database \"nowhere\" does not exist", () -> catalog.dropDatabase("nowhere"));
    }

    @Test
    void a_role_that_owns_databases_cannot_be_dropped() {
        catalog.createRole(Role.named("alice"));
        catalog.createDatabase("d2", "alice");
        catalog.createDatabase("d1", "alice");
        PgException e = assertThrows(PgException.class, () -> catalog.dropRole("alice"));
        assertEquals("2BP01", e.sqlState().code());
        assertEquals("role \"alice\" cannot be dropped because some objects depend on it", e.getMessage());
        assertEquals("owner of database d2\nowner of database d1", e.detail());
        catalog.dropDatabase("d1");
        catalog.dropDatabase("d2");
        catalog.dropRole("alice");
        assertTrue(catalog.role("alice").isEmpty());
    }

    @Test
    void alter_role_renames_and_changes_attributes() {
        Role alice = catalog.createRole(Role.named("alice"));
        Role changed = new Role(alice.oid(), "alicia", false, false, true, true, true, false, false, 3, "md5aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", null);
        catalog.alterRole(changed);
        assertTrue(catalog.role("alice").isEmpty());
        assertEquals(changed, catalog.role("alicia").orElseThrow());
        assertEquals(changed, new GlobalCatalog(dir, false).role(alice.oid()).orElseThrow());
    }

    @Test
    void memberships_nest_and_refuse_loops() {
        for (String r : List.of("a", "b", "c")) catalog.createRole(Role.named(r));
        assertTrue(catalog.grant("b", "a", "postgres", false)); // a is a member of b
        assertTrue(catalog.grant("c", "b", "postgres", false)); // b is a member of c
        assertTrue(catalog.isMemberOf("a", "c"), "through b");
        assertTrue(catalog.isMemberOf("a", "a"), "a role is a member of itself");
        assertFalse(catalog.isMemberOf("c", "a"));
        assertFalse(catalog.isMemberOf("postgres", "a"), "superuser does not make a member");
        assertFalse(catalog.isMemberOf("nobody", "a"));
        assertError("0LP01", "role \"a\" is a member of role \"a\"", () -> catalog.grant("a", "a", "postgres", false));
        assertError("0LP01", "role \"a\" is a member of role \"c\"", () -> catalog.grant("a", "c", "postgres", false));
        assertError("42704", "role \"x\" does not exist", () -> catalog.grant("x", "a", "postgres", false));
        assertError("0LP01", "role \"pg_database_owner\" cannot have explicit members",
                () -> catalog.grant("pg_database_owner", "a", "postgres", false));
    }

    @Test
    void granting_twice_changes_nothing_unless_it_adds_the_admin_option() {
        catalog.createRole(Role.named("g"));
        catalog.createRole(Role.named("m"));
        long v = catalog.version();
        assertTrue(catalog.grant("g", "m", "postgres", false));
        assertFalse(catalog.grant("g", "m", "postgres", false));
        assertEquals(v + 1, catalog.version());
        assertTrue(catalog.grant("g", "m", "postgres", true));
        assertFalse(catalog.grant("g", "m", "postgres", false));
        int g = catalog.role("g").orElseThrow().oid();
        int m = catalog.role("m").orElseThrow().oid();
        assertTrue(catalog.memberships().contains(new Membership(g, m, 10, true)));
        assertTrue(catalog.revoke("g", "m", true));
        assertTrue(catalog.memberships().contains(new Membership(g, m, 10, false)));
        assertTrue(catalog.revoke("g", "m"));
        assertFalse(catalog.revoke("g", "m"));
        assertFalse(catalog.isMemberOf("m", "g"));
    }

    @Test
    void dropping_a_role_takes_its_memberships_along() {
        catalog.createRole(Role.named("g"));
        catalog.createRole(Role.named("m"));
        catalog.createRole(Role.named("n"));
        catalog.grant("g", "m", "postgres", false);
        catalog.grant("m", "n", "postgres", false);
        catalog.dropRole("m");
        assertEquals(3, catalog.memberships().size(), "pg_monitor's three stay");
        assertFalse(catalog.isMemberOf("n", "g"));
    }

    @Test
    void a_change_that_cannot_be_written_is_not_published() throws IOException {
        catalog.createRole(Role.named("before"));
        long v = catalog.version();
        Files.createDirectories(dir.resolve("pg_shared_catalog.tmp/blocker"));
        PgException e = assertThrows(PgException.class, () -> catalog.createRole(Role.named("after")));
        assertEquals("58030", e.sqlState().code());
        assertTrue(e.getMessage().startsWith("could not write file \""), e.getMessage());
        assertTrue(catalog.role("after").isEmpty());
        assertEquals(v, catalog.version());
        Files.delete(dir.resolve("pg_shared_catalog.tmp/blocker"));
        Files.delete(dir.resolve("pg_shared_catalog.tmp"));
        assertEquals(16385, catalog.createRole(Role.named("after")).oid());
        assertTrue(new GlobalCatalog(dir, false).role("after").isPresent());
        assertTrue(new GlobalCatalog(dir, false).role("before").isPresent());
    }

    @Test
    void a_missing_or_corrupt_file_is_fatal() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        PgException e = assertThrows(PgException.class, () -> new GlobalCatalog(empty, false));
        assertEquals(ErrorSeverity.FATAL, e.severity());
        assertTrue(e.getMessage().startsWith("could not open file"), e.getMessage());
        Files.writeString(dir.resolve("pg_shared_catalog"), "nonsense\n");
        e = assertThrows(PgException.class, () -> new GlobalCatalog(dir, false));
        assertEquals(ErrorSeverity.FATAL, e.severity());
        assertTrue(e.getMessage().contains("invalid line 1"), e.getMessage());
    }

    @Test
    void an_older_data_directory_is_converted() throws IOException {
        Path old = Files.createDirectories(dir.resolve("old"));
        Files.writeString(old.resolve("pg_auth"), "\"ad\"\"min\" 10 superuser login 6\n");
        Files.writeString(old.resolve("pg_database"), "\"postgres\" 5 10\n\"template1\" 1 10\n\"template0\" 4 10\n");
        GlobalCatalog c = new GlobalCatalog(old, false);
        Role su = c.role("ad\"min").orElseThrow();
        assertEquals(10, su.oid());
        assertTrue(su.superuser() && su.login());
        assertNull(su.password());
        assertFalse(c.database("template0").orElseThrow().allowConnections());
        assertTrue(Files.exists(old.resolve("pg_shared_catalog")));
    }
}
