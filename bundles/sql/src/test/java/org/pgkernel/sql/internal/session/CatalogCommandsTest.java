package org.pgkernel.sql.internal.session;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pgkernel.catalog.api.Passwords;
import org.pgkernel.catalog.api.Role;
import org.pgkernel.catalog.api.SharedCatalog;
import org.pgkernel.kernel.api.PgException;

/**
 * CREATE/ALTER/DROP ROLE, GRANT/REVOKE role, CREATE/DROP DATABASE and the catalog views, as a
 * client sees them: tags, notices, SQLSTATEs and messages as PostgreSQL 15 gives them.
 */
class CatalogCommandsTest {
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final TestEnvironment env = new TestEnvironment();
    private final Session session = new Session(env, timers);
    private final SharedCatalog catalog = env.catalog();

    @AfterEach
    void stop() {
        timers.shutdownNow();
    }

    private List<String> q(String sql) {
        RecordingSink sink = new RecordingSink();
        try {
            session.simpleQuery(sql, sink);
        } catch (PgException e) {
            sink.lines.add("E " + e.sqlState().code() + " " + e.getMessage() + (e.detail() != null ? " DETAIL " + e.detail() : "")
                    + (e.hint() != null ? " HINT " + e.hint() : "") + (e.position() > 0 ? " @" + e.position() : ""));
        }
        return sink.lines;
    }

    /** Runs statements as {@code user}. */
    private List<String> as(String user, String sql) {
        String before = env.user;
        env.user = user;
        try {
            return q(sql);
        } finally {
            env.user = before;
        }
    }

    private static List<String> lines(String... l) { return List.of(l); }

    private Role role(String name) { return catalog.role(name).orElseThrow(); }

    @Test
    void create_role_and_user_take_postgres_defaults_and_tags() {
        assertEquals(lines("C CREATE ROLE"), q("CREATE ROLE r1"));
        Role r1 = role("r1");
        assertEquals(16384, r1.oid());
        assertFalse(r1.login());
        assertTrue(r1.inherit());
        assertEquals(-1, r1.connLimit());
        assertEquals(lines("C CREATE ROLE"), q("CREATE USER u1"));
        assertTrue(role("u1").login(), "USER implies LOGIN");
        assertEquals(lines("C CREATE ROLE"), q("CREATE GROUP g1"));
        assertFalse(role("g1").login());
        assertEquals(lines("C CREATE ROLE"), q("CREATE ROLE r2 WITH SUPERUSER CREATEDB CREATEROLE NOINHERIT LOGIN REPLICATION "
                + "BYPASSRLS CONNECTION LIMIT 5 VALID UNTIL '2030-01-02 03:04:05+00'"));
        assertEquals(new Role(16387, "r2", true, false, true, true, true, true, true, 5, null,
                Instant.parse("2030-01-02T03:04:05Z")), role("r2"));
        assertEquals(lines("E 42710 role \"r1\" already exists"), q("CREATE ROLE r1"));
    }

    @Test
    void passwords_are_stored_per_password_encryption_and_hashes_as_given() {
        q("CREATE ROLE alice LOGIN PASSWORD 'x'");
        String stored = role("alice").password();
        assertEquals(Passwords.Type.SCRAM_SHA_256, Passwords.typeOf(stored));
        assertTrue(stored.startsWith("SCRAM-SHA-256$4096:"));
        assertTrue(Passwords.verifyPlain("alice", stored, "x"));
        assertEquals(lines("C SET", "C CREATE ROLE"), q("SET password_encryption = 'md5'; CREATE ROLE bob ENCRYPTED PASSWORD 'x'"));
        assertEquals(Passwords.encrypt("md5", "bob", "x"), role("bob").password());
        q("CREATE ROLE carol PASSWORD 'md5aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'");
        assertEquals("md5aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", role("carol").password());
        assertEquals(lines("C ALTER ROLE"), q("ALTER ROLE carol PASSWORD NULL"));
        assertNull(role("carol").password());
        assertEquals(lines("N NOTICE 00000 empty string is not a valid password, clearing password", "C ALTER ROLE"),
                q("ALTER ROLE alice PASSWORD ''"));
        assertNull(role("alice").password());
        // a hash of the empty password is no better
        assertEquals(lines("N NOTICE 00000 empty string is not a valid password, clearing password", "C CREATE ROLE"),
                q("CREATE ROLE dave PASSWORD '" + Passwords.encrypt("md5", "dave", "") + "'"));
        assertEquals(lines("E 0A000 UNENCRYPTED PASSWORD is no longer supported HINT Remove UNENCRYPTED to store the password"
                + " in encrypted form instead. @15"), q("CREATE ROLE e UNENCRYPTED PASSWORD 'x'"));
    }

    @Test
    void role_options_are_checked_as_postgres_checks_them() {
        assertEquals(lines("E 42601 conflicting or redundant options @26"), q("CREATE ROLE r2 SUPERUSER NOSUPERUSER"));
        assertEquals(lines("E 22023 invalid connection limit: -2"), q("CREATE ROLE r2 CONNECTION LIMIT -2"));
        assertEquals(lines("E 42601 unrecognized role option \"foo\" @16"), q("CREATE ROLE r3 FOO"));
        assertEquals(lines("E 22007 invalid input syntax for type timestamp with time zone: \"junk\""),
                q("CREATE ROLE r2 VALID UNTIL 'junk'"));
        assertEquals(lines("E 42939 role name \"pg_x\" is reserved DETAIL Role names starting with \"pg_\" are reserved."),
                q("CREATE ROLE pg_x"));
        assertEquals(lines("E 42939 role name \"public\" is reserved @13"), q("CREATE ROLE public"));
        assertEquals(lines("E 42939 role name \"none\" is reserved @13"), q("CREATE ROLE none"));
        assertEquals(lines("E 42939 CURRENT_USER cannot be used as a role name here @13"), q("CREATE ROLE current_user"));
        assertEquals(lines("C CREATE ROLE"), q("CREATE ROLE \"current_user\""));
        assertEquals(lines("N NOTICE 00000 SYSID can no longer be specified", "C CREATE ROLE"), q("CREATE ROLE r6 SYSID 5"));
        assertEquals(lines("E 42704 role \"nosuch\" does not exist"), q("CREATE USER r3 IN ROLE nosuch"));
        assertTrue(catalog.role("r3").isEmpty(), "nothing is created when a listed role is missing");
    }

    @Test
    void create_role_lists_make_memberships() {
        q("CREATE ROLE g1");
        q("CREATE ROLE m1");
        assertEquals(lines("C CREATE ROLE"), q("CREATE ROLE r IN ROLE g1 ADMIN m1 ROLE postgres"));
        int r = role("r").oid();
        assertTrue(catalog.isMemberOf("r", "g1"));
        assertTrue(catalog.memberships().contains(new org.pgkernel.catalog.api.Membership(r, role("m1").oid(), 10, true)));
        assertTrue(catalog.memberships().contains(new org.pgkernel.catalog.api.Membership(r, 10, 10, false)));
        assertEquals(lines("T roleid:26,member:26,grantor:26,admin_option:16", "D " + role("g1").oid() + "|" + r + "|10|f",
                "C SELECT 1"), q("SELECT * FROM pg_auth_members WHERE roleid = " + role("g1").oid()));
    }

    @Test
    void privileges_follow_postgres_15() {
        q("CREATE ROLE cr CREATEROLE LOGIN; CREATE ROLE plain LOGIN; CREATE ROLE su SUPERUSER; CREATE ROLE g1");
        assertEquals(lines("E 42501 must be superuser to create superusers"), as("cr", "CREATE ROLE x1 SUPERUSER"));
        assertEquals(lines("E 42501 must be superuser to create replication users"), as("cr", "CREATE ROLE x1 REPLICATION"));
        assertEquals(lines("E 42501 must be superuser to create bypassrls users"), as("cr", "CREATE ROLE x1 BYPASSRLS"));
        assertEquals(lines("C CREATE ROLE"), as("cr", "CREATE ROLE x1"));
        assertEquals(lines("E 42501 must be superuser to alter superuser roles or change superuser attribute"),
                as("cr", "ALTER ROLE su LOGIN"));
        assertEquals(lines("E 42501 must be superuser to alter replication roles or change replication attribute"),
                as("cr", "ALTER ROLE x1 REPLICATION"));
        assertEquals(lines("E 42501 must be superuser to change bypassrls attribute"), as("cr", "ALTER ROLE x1 BYPASSRLS"));
        assertEquals(lines("C ALTER ROLE"), as("cr", "ALTER ROLE x1 NOLOGIN"));
        assertEquals(lines("E 42501 must be superuser to alter superusers"), as("cr", "GRANT su TO x1"));
        assertEquals(lines("E 42501 must be superuser to set grantor"), as("cr", "GRANT g1 TO x1 GRANTED BY postgres"));
        assertEquals(lines("E 42501 must be superuser to rename superusers"), as("cr", "ALTER ROLE su RENAME TO su2"));
        assertEquals(lines("E 42501 must be superuser to drop superusers"), as("cr", "DROP ROLE su"));
        assertEquals(lines("E 42501 permission denied to create database"), as("cr", "CREATE DATABASE xdb"));
        assertEquals(lines("E 42501 permission denied to create role"), as("plain", "CREATE ROLE x2"));
        assertEquals(lines("C ALTER ROLE"), as("plain", "ALTER ROLE plain PASSWORD 'x'"));
        assertEquals(lines("E 42501 permission denied"), as("plain", "ALTER ROLE plain NOLOGIN"));
        assertEquals(lines("E 42501 permission denied"), as("plain", "ALTER ROLE x1 PASSWORD 'x'"));
        assertEquals(lines("E 42501 permission denied to rename role"), as("plain", "ALTER ROLE x1 RENAME TO x3"));
        assertEquals(lines("E 42501 permission denied to drop role"), as("plain", "DROP ROLE x1"));
        assertEquals(lines("E 42501 must have admin option on role \"g1\""), as("plain", "GRANT g1 TO plain"));
        assertEquals(lines("E 42501 must have admin option on role \"g1\""), as("plain", "REVOKE g1 FROM plain"));
        assertEquals(lines("C GRANT ROLE"), q("GRANT g1 TO plain WITH ADMIN OPTION"));
        assertEquals(lines("C GRANT ROLE"), as("plain", "GRANT g1 TO x1"));
        assertEquals(lines("C REVOKE ROLE"), as("plain", "REVOKE g1 FROM x1"));
        assertEquals(lines("N WARNING 01000 role \"x1\" is not a member of role \"g1\"", "C REVOKE ROLE"),
                as("plain", "REVOKE g1 FROM x1"));
        // a role does not administer itself (PostgreSQL 15.18 as 16)
        assertEquals(lines("E 42501 must have admin option on role \"plain\""), as("plain", "GRANT plain TO x1"));
    }

    @Test
    void grant_and_revoke_report_as_postgres() {
        q("CREATE ROLE r1; CREATE ROLE r2");
        assertEquals(lines("E 0LP01 role \"r1\" is a member of role \"r1\""), q("GRANT r1 TO r1"));
        assertEquals(lines("C GRANT ROLE"), q("GRANT r1 TO postgres"));
        assertEquals(lines("E 0LP01 role \"postgres\" is a member of role \"r1\""), q("GRANT postgres TO r1"));
        assertEquals(lines("N NOTICE 00000 role \"postgres\" is already a member of role \"r1\"", "C GRANT ROLE"),
                q("GRANT r1 TO postgres"));
        assertEquals(lines("C GRANT ROLE"), q("GRANT r1 TO postgres WITH ADMIN OPTION"));
        assertEquals(lines("N WARNING 01000 role \"r2\" is not a member of role \"r1\"", "C REVOKE ROLE"), q("REVOKE r1 FROM r2"));
        assertEquals(lines("E 42704 role \"nosuch\" does not exist"), q("REVOKE r1 FROM nosuch"));
        assertEquals(lines("E 42704 role \"nosuch\" does not exist"), q("GRANT nosuch TO r1"));
        assertEquals(lines("C REVOKE ROLE"), q("REVOKE ADMIN OPTION FOR r1 FROM postgres"));
        assertTrue(catalog.isMemberOf("postgres", "r1"));
        assertEquals(lines("C REVOKE ROLE"), q("REVOKE r1 FROM postgres CASCADE"));
        assertFalse(catalog.isMemberOf("postgres", "r1"));
        assertEquals(lines("E 0LP01 column names cannot be included in GRANT/REVOKE ROLE"), q("GRANT r1 (a) TO r2"));
        assertEquals(lines("E 0A000 GRANT is not supported yet @1"), q("GRANT SELECT ON t TO r1"));
        assertEquals(lines("C ALTER ROLE"), q("ALTER GROUP r1 ADD USER r2"));
        assertTrue(catalog.isMemberOf("r2", "r1"));
        assertEquals(lines("C ALTER ROLE"), q("ALTER GROUP r1 DROP USER r2"));
        assertFalse(catalog.isMemberOf("r2", "r1"));
    }

    @Test
    void alter_role_changes_and_renames() {
        q("CREATE ROLE r4 LOGIN");
        assertEquals(lines("C ALTER ROLE"), q("ALTER ROLE r4 WITH NOLOGIN CREATEDB CONNECTION LIMIT 2 VALID UNTIL 'infinity'"));
        Role r4 = role("r4");
        assertFalse(r4.login());
        assertTrue(r4.createDb());
        assertEquals(2, r4.connLimit());
        assertEquals(Instant.MAX, r4.validUntil());
        assertEquals(lines("T rolname:19,rolvaliduntil:1184,rolpassword:25", "D r4|infinity|********", "C SELECT 1"),
                q("SELECT rolname, rolvaliduntil, rolpassword FROM pg_roles WHERE rolname = 'r4'"));
        assertEquals(lines("E 42601 conflicting or redundant options @23"), q("ALTER ROLE r4 NOLOGIN LOGIN"));
        assertEquals(lines("E 42704 role \"nosuch\" does not exist"), q("ALTER ROLE nosuch LOGIN"));
        assertEquals(lines("E 42704 role \"public\" does not exist"), q("ALTER ROLE public LOGIN"));
        assertEquals(lines("E 42939 role name \"pg_monitor\" is reserved DETAIL Cannot alter reserved roles."),
                q("ALTER ROLE pg_monitor LOGIN"));
        assertEquals(lines("E 0A000 ALTER ROLE ... SET is not supported yet @1"), q("ALTER ROLE r4 SET work_mem = '1MB'"));
        assertEquals(lines("C SET", "C ALTER ROLE"), q("SET password_encryption = 'md5'; ALTER ROLE r4 PASSWORD 'abc'"));
        assertEquals("md542db19371ab6c4d2ddfceddcc7550ff5", role("r4").password());
        assertEquals(lines("N NOTICE 00000 MD5 password cleared because of role rename", "C ALTER ROLE"),
                q("ALTER ROLE r4 RENAME TO r5"));
        assertNull(role("r5").password());
        assertEquals(r4.oid(), role("r5").oid());
        assertEquals(lines("E 0A000 session user cannot be renamed"), q("ALTER ROLE postgres RENAME TO p2"));
        assertEquals(lines("E 42939 CURRENT_USER cannot be used as a role name here @12"), q("ALTER ROLE CURRENT_USER RENAME TO foo"));
        assertEquals(lines("E 42939 role name \"pg_r5\" is reserved DETAIL Role names starting with \"pg_\" are reserved."),
                q("ALTER ROLE r5 RENAME TO pg_r5"));
        q("CREATE ROLE r6");
        assertEquals(lines("E 42710 role \"r6\" already exists"), q("ALTER USER r5 RENAME TO r6"));
        assertEquals(lines("C ALTER ROLE"), q("ALTER ROLE current_user CONNECTION LIMIT 9"));
        assertEquals(9, role("postgres").connLimit());
    }

    @Test
    void drop_role_refuses_what_postgres_refuses() {
        q("CREATE ROLE r4 LOGIN");
        q("CREATE DATABASE d2 OWNER r4");
        assertEquals(lines("E 55006 current user cannot be dropped"), q("DROP ROLE postgres"));
        assertEquals(lines("E 2BP01 role \"r4\" cannot be dropped because some objects depend on it DETAIL owner of database d2"),
                q("DROP ROLE r4"));
        assertEquals(lines("E 42704 role \"nosuch\" does not exist"), q("DROP ROLE nosuch"));
        assertEquals(lines("E 22023 cannot use special role specifier in DROP ROLE"), q("DROP ROLE CURRENT_USER"));
        assertEquals(lines("E 2BP01 cannot drop role pg_monitor because it is required by the database system"),
                q("DROP ROLE pg_monitor"));
        q("CREATE ROLE r1");
        assertEquals(lines("N NOTICE 00000 role \"nosuch\" does not exist, skipping", "C DROP ROLE"),
                q("DROP ROLE IF EXISTS nosuch, r1"));
        assertTrue(catalog.role("r1").isEmpty());
        q("CREATE ROLE a; CREATE ROLE b");
        assertEquals(lines("E 2BP01 role \"r4\" cannot be dropped because some objects depend on it DETAIL owner of database d2"),
                q("DROP USER a, r4, b"));
        assertTrue(catalog.role("a").isPresent(), "a failing DROP ROLE drops nothing");
        assertEquals(lines("E 25001 DROP DATABASE cannot run inside a transaction block"), q("DROP DATABASE d2; DROP GROUP a, r4, b"));
        assertEquals(lines("C DROP DATABASE"), q("DROP DATABASE d2"));
        assertEquals(lines("C DROP ROLE"), q("DROP GROUP a, r4, b"));
    }

    @Test
    void databases_are_created_and_dropped_as_in_postgres() {
        assertEquals(lines("C CREATE DATABASE"), q("CREATE DATABASE d1"));
        assertEquals(16384, catalog.database("d1").orElseThrow().oid());
        assertEquals(10, catalog.database("d1").orElseThrow().ownerOid());
        assertEquals(lines("E 42P04 database \"d1\" already exists"), q("CREATE DATABASE d1"));
        assertEquals(lines("C BEGIN"), q("BEGIN"));
        assertEquals(lines("E 25001 CREATE DATABASE cannot run inside a transaction block"), q("CREATE DATABASE d3"));
        q("ROLLBACK");
        assertEquals("E 25001 DROP DATABASE cannot run inside a transaction block", q("SELECT 1; DROP DATABASE d1").get(3));
        assertEquals(lines("E 3D000 database \"nosuch\" does not exist"), q("DROP DATABASE nosuch"));
        assertEquals(lines("N NOTICE 00000 database \"nosuch\" does not exist, skipping", "C DROP DATABASE"),
                q("DROP DATABASE IF EXISTS nosuch"));
        assertEquals(lines("E 55006 cannot drop the currently open database"), q("DROP DATABASE postgres"));
        assertEquals(lines("E 42809 cannot drop a template database"), q("DROP DATABASE template1"));
        assertEquals(lines("E 42704 role \"nosuch\" does not exist"), q("CREATE DATABASE zz OWNER nosuch"));
        assertEquals(lines("E 3D000 template database \"nosuch\" does not exist"), q("CREATE DATABASE zz TEMPLATE nosuch"));
        assertEquals(lines("E 42601 option \"foo\" not recognized @20"), q("CREATE DATABASE zz FOO 1"));
        assertEquals(lines("E 22023 new encoding (LATIN1) is incompatible with the encoding of the template database (UTF8)"
                + " HINT Use the same encoding as in the template database, or use template0 as template."),
                q("CREATE DATABASE zz ENCODING 'LATIN1'"));
        assertEquals(lines("E 42704 xyz is not a valid encoding name @20"), q("CREATE DATABASE zz ENCODING 'xyz'"));
        assertEquals(lines("E 22023 invalid connection limit: -5"), q("CREATE DATABASE zz CONNECTION LIMIT -5"));
        assertEquals(lines("E 42601 is_template requires a Boolean value"), q("CREATE DATABASE zz IS_TEMPLATE maybe"));
        assertEquals(lines("E 42601 conflicting or redundant options @28"), q("CREATE DATABASE zz OWNER a OWNER b"));
        assertEquals(lines("E 22023 invalid create database strategy \"foo\" HINT Valid strategies are \"wal_log\" and \"file_copy\"."),
                q("CREATE DATABASE zz STRATEGY foo"));
        assertEquals(lines("E 42704 tablespace \"foo\" does not exist"), q("CREATE DATABASE zz TABLESPACE foo"));
        assertEquals(lines("C CREATE DATABASE"), q("CREATE DATABASE zz WITH TEMPLATE = template0 ENCODING 'LATIN1' "
                + "LC_COLLATE 'C' IS_TEMPLATE true ALLOW_CONNECTIONS false CONNECTION LIMIT 4"));
        assertEquals(lines("T datname:19,encoding:23,datistemplate:16,datallowconn:16,datconnlimit:23", "D zz|8|t|f|4",
                "C SELECT 1"), q("SELECT datname, encoding, datistemplate, datallowconn, datconnlimit FROM pg_database WHERE datname = 'zz'"));
    }

    @Test
    void a_database_in_use_is_not_dropped() {
        q("CREATE DATABASE busy");
        q("CREATE ROLE other LOGIN");
        int oid = catalog.database("busy").orElseThrow().oid();
        env.otherSessions.add(TestEnvironment.session(777, oid, "busy", role("other").oid(), "other"));
        long t0 = System.nanoTime();
        assertEquals(lines("E 55006 database \"busy\" is being accessed by other users DETAIL There is 1 other session using the database."),
                q("DROP DATABASE busy"));
        assertTrue(System.nanoTime() - t0 > 4_000_000_000L, "waits five seconds for the session to go, as PostgreSQL does");
        assertTrue(catalog.database("busy").isPresent());
    }

    @Test
    void force_terminates_the_other_sessions() throws Exception {
        q("CREATE DATABASE busy");
        q("CREATE ROLE other LOGIN");
        int oid = catalog.database("busy").orElseThrow().oid();
        env.otherSessions.add(TestEnvironment.session(777, oid, "busy", role("other").oid(), "other"));
        // the session goes once it has been signalled
        Thread leaver = Thread.ofVirtual().start(() -> {
            while (!env.signals.contains("777:SIGTERM")) Thread.onSpinWait();
            env.otherSessions.clear();
        });
        assertEquals(lines("C DROP DATABASE"), q("DROP DATABASE busy WITH (FORCE)"));
        leaver.join();
        assertTrue(catalog.database("busy").isEmpty());
    }

    @Test
    void pg_authid_is_for_superusers_and_shows_the_verifier() {
        q("CREATE ROLE alice LOGIN PASSWORD 'x'");
        List<String> r = q("SELECT rolname, rolpassword FROM pg_authid WHERE rolname = 'alice'");
        assertEquals("T rolname:19,rolpassword:25", r.get(0));
        assertTrue(r.get(1).startsWith("D alice|SCRAM-SHA-256$4096:"), r.get(1));
        assertEquals(lines("E 42501 permission denied for table pg_authid"), as("alice", "SELECT rolname FROM pg_authid"));
        assertEquals(lines("T rolname:19,rolsuper:16,rolcanlogin:16", "D postgres|t|t", "C SELECT 1"),
                as("alice", "SELECT rolname, rolsuper, rolcanlogin FROM pg_roles WHERE rolname = 'postgres'"));
        assertEquals(lines("T count:20", "D 14", "C SELECT 1"), q("SELECT count(*) FROM pg_roles"));
        assertEquals(lines("T usename:19,passwd:25", "D alice|********", "C SELECT 1"),
                q("SELECT usename, passwd FROM pg_user WHERE usename = 'alice'"));
        assertEquals(lines("T datname:19,datdba:26,encoding:23,datcollate:25", "D template1|10|6|C", "D template0|10|6|C",
                "D postgres|10|6|C", "C SELECT 3"), q("SELECT datname, datdba, encoding, datcollate FROM pg_database"));
        assertEquals(lines("T pg_get_userbyid:19,pg_encoding_to_char:19,pg_char_to_encoding:23", "D postgres|UTF8|6", "C SELECT 1"),
                q("SELECT pg_get_userbyid(10), pg_encoding_to_char(6), pg_char_to_encoding('utf-8')"));
    }

    @Test
    void catalog_statements_run_through_the_extended_protocol() {
        RecordingSink sink = new RecordingSink();
        for (String sql : List.of("CREATE ROLE ext LOGIN PASSWORD 'x'", "CREATE DATABASE extdb OWNER ext")) {
            session.parse("", sql, new int[0]);
            session.bind("", "", new short[0], new byte[0][], new short[0]);
            session.describePortal("", sink);
            session.execute("", 0, sink);
            session.sync();
        }
        assertEquals(lines("n", "C CREATE ROLE", "n", "C CREATE DATABASE"), sink.lines);
        assertEquals(role("ext").oid(), catalog.database("extdb").orElseThrow().ownerOid());
        assertEquals('I', session.transactionStatus());
    }

    @Test
    void an_aborted_transaction_takes_its_role_changes_back() {
        q("CREATE ROLE keeper LOGIN");
        q("CREATE ROLE grp");
        q("BEGIN; CREATE ROLE r_tx; ALTER ROLE keeper NOLOGIN; GRANT grp TO keeper; DROP ROLE grp; ROLLBACK");
        assertEquals(Optional.empty(), catalog.role("r_tx"));
        assertTrue(role("keeper").login(), "ALTER undone");
        assertTrue(catalog.role("grp").isPresent(), "DROP undone");
        assertFalse(catalog.isMemberOf("keeper", "grp"), "GRANT undone");

        // an error later in the same query string aborts its implicit transaction too
        q("CREATE ROLE r_implicit; SELECT 1/0");
        assertEquals(Optional.empty(), catalog.role("r_implicit"));

        // an error inside a block, then ROLLBACK
        q("BEGIN; GRANT grp TO keeper; SELECT 1/0");
        q("ROLLBACK");
        assertFalse(catalog.isMemberOf("keeper", "grp"));

        // committed changes stay
        q("BEGIN; CREATE ROLE r_kept; GRANT grp TO keeper; COMMIT");
        assertTrue(catalog.role("r_kept").isPresent());
        assertTrue(catalog.isMemberOf("keeper", "grp"));

        // REVOKE undone restores the membership
        q("BEGIN; REVOKE grp FROM keeper; ROLLBACK");
        assertTrue(catalog.isMemberOf("keeper", "grp"));
    }
}
