package org.pgkernel.hba.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgkernel.hba.api.ConnectionRequest;
import org.pgkernel.hba.api.HbaRuleRow;
import org.pgkernel.hba.api.IdentRow;
import org.pgkernel.hba.api.RoleOracle;
import org.pgkernel.hba.internal.file.ConfigReport;
import org.pgkernel.hba.internal.file.Slf4jConfigReport;
import org.pgkernel.hba.internal.rule.HostResolver;
import org.pgkernel.hba.internal.rule.LocalInterfaces;
import org.pgkernel.kernel.api.ErrorSeverity;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.SqlState;

class HbaConfigurationTest {
    @TempDir
    Path dir;
    final List<String> log = new ArrayList<>();
    final ConfigReport report = (m, h, c) -> log.add(Slf4jConfigReport.format(m, h, c));

    private HbaConfiguration load(String hba, String ident) throws IOException {
        Files.writeString(dir.resolve("pg_hba.conf"), hba);
        Files.writeString(dir.resolve("pg_ident.conf"), ident);
        return new HbaConfiguration(dir.resolve("pg_hba.conf"), dir.resolve("pg_ident.conf"), () -> false, report,
                HostResolver.SYSTEM, () -> List.<LocalInterfaces.Address>of());
    }

    private String hbaName() {
        return dir.resolve("pg_hba.conf").toString();
    }

    @Test
    void loads_at_start_and_matches() throws IOException {
        HbaConfiguration c = load("local all all trust\n", "");
        assertEquals("trust", c.match(ConnectionRequest.local("d", "u")).method());
    }

    @Test
    void refuses_to_start_with_a_broken_or_empty_hba_file() throws IOException {
        PgException e = assertThrows(PgException.class, () -> load("local all all bogus\n", ""));
        assertEquals(ErrorSeverity.FATAL, e.severity());
        assertEquals("could not load " + hbaName(), e.getMessage());
        assertThrows(PgException.class, () -> load("# nothing\n", ""));
        assertTrue(log.contains("configuration file \"" + hbaName() + "\" contains no entries"));
    }

    @Test
    void reload_with_errors_keeps_the_old_rules_and_logs_like_postgresql() throws IOException {
        HbaConfiguration c = load("local all all trust\n", "");
        Files.writeString(dir.resolve("pg_hba.conf"), "local all all reject\nfoo all all trust\nlocal all all bogus\n");
        log.clear();
        assertFalse(c.reload());
        assertEquals(List.of(
                "invalid connection type \"foo\"\nCONTEXT:  line 2 of configuration file \"" + hbaName() + "\"",
                "invalid authentication method \"bogus\"\nCONTEXT:  line 3 of configuration file \"" + hbaName() + "\"",
                "pg_hba.conf was not reloaded"), log);
        assertEquals("trust", c.match(ConnectionRequest.local("d", "u")).method());
    }

    @Test
    void reload_of_a_good_file_swaps_the_rules() throws IOException {
        HbaConfiguration c = load("local all all trust\n", "");
        Files.writeString(dir.resolve("pg_hba.conf"), "local all all reject\n");
        assertTrue(c.reload());
        assertEquals("reject", c.match(ConnectionRequest.local("d", "u")).method());
    }

    @Test
    void reload_keeps_old_ident_maps_when_pg_ident_is_broken() throws IOException {
        HbaConfiguration c = load("local all all trust\n", "m alice bob\n");
        Files.writeString(dir.resolve("pg_ident.conf"), "m alice\n");
        assertFalse(c.reload());
        assertTrue(log.contains("pg_ident.conf was not reloaded"));
        assertTrue(c.identMatches("m", "alice", "bob"));
    }

    @Test
    void rules_lists_every_line_with_errors_in_the_error_column() throws IOException {
        HbaConfiguration c = load("local all all trust\n", "");
        Files.writeString(dir.resolve("pg_hba.conf"), """
                local all all trust
                host "all",db2 +g,"x y" 10.0.0.0/8 md5
                foo all all trust
                hostssl all all all cert map=m
                host all all all ldap ldapserver=x ldapbasedn=dc
                """);
        List<HbaRuleRow> rows = c.rules(m -> m.equals("md5"));
        assertEquals(new HbaRuleRow(1, hbaName(), 1, "local", List.of("all"), List.of("all"), null, null, "trust", null, null),
                rows.get(0));
        assertEquals(new HbaRuleRow(2, hbaName(), 2, "host", List.of("all", "db2"), List.of("+g", "x y"), "10.0.0.0",
                "255.0.0.0", "md5", null, null), rows.get(1));
        assertEquals(new HbaRuleRow(null, hbaName(), 3, null, null, null, null, null, null, null,
                "invalid connection type \"foo\""), rows.get(2));
        assertEquals(new HbaRuleRow(null, hbaName(), 4, "hostssl", List.of("all"), List.of("all"), "all", null, "cert",
                List.of("map=m", "clientcert=verify-full"), "hostssl record cannot match because SSL is disabled"), rows.get(3));
        assertEquals(new HbaRuleRow(3, hbaName(), 5, "host", List.of("all"), List.of("all"), "all", null, "ldap",
                List.of("ldapserver=x", "ldapbasedn=dc", "ldapscope=2"),
                "invalid authentication method \"ldap\": not supported by this build"), rows.get(4));
        assertNull(c.rules().get(4).error());
    }

    @Test
    void rules_fails_with_an_error_when_the_file_is_gone() throws IOException {
        HbaConfiguration c = load("local all all trust\n", "");
        Files.delete(dir.resolve("pg_hba.conf"));
        PgException e = assertThrows(PgException.class, c::rules);
        assertEquals(SqlState.UNDEFINED_FILE, e.sqlState());
        assertEquals("could not open file \"" + hbaName() + "\": No such file or directory", e.getMessage());
    }

    @Test
    void ident_mappings_lists_lines_and_errors() throws IOException {
        HbaConfiguration c = load("local all all trust\n", "m /^(.*)@example\\.com$ \\1\nm a,b c\nm x\n");
        String ident = dir.resolve("pg_ident.conf").toString();
        assertEquals(List.of(
                new IdentRow(1, ident, 1, "m", "/^(.*)@example\\.com$", "\\1", null),
                new IdentRow(null, ident, 2, null, null, null, "multiple values in ident field"),
                new IdentRow(null, ident, 3, null, null, null, "missing entry at end of line")), c.identMappings());
    }

    @Test
    void ident_regex_substitutes_the_first_group() throws IOException {
        HbaConfiguration c = load("local all all trust\n", """
                # MAPNAME  SYSTEM-USERNAME            PG-USERNAME
                mail       /^(.*)@example\\.com$      \\1
                mail       /^admin@                   "all"
                mail       root                       +dba
                any        postgres                   all
                """);
        assertTrue(c.identMatches("mail", "alice@example.com", "alice"));
        assertFalse(c.identMatches("mail", "alice@example.com", "bob"));
        assertFalse(c.identMatches("mail", "alice@example.org", "alice"));
        // "all" quoted is a role literally named all
        assertTrue(c.identMatches("mail", "admin@x", "all"));
        assertFalse(c.identMatches("mail", "admin@x", "bob"));
        RoleOracle dba = (role, group) -> role.equals("carol") && group.equals("dba");
        assertTrue(c.identMatches("mail", "root", "carol", dba, false));
        assertFalse(c.identMatches("mail", "root", "dave", dba, false));
        assertTrue(c.identMatches("any", "postgres", "whoever"));
        assertTrue(c.identMatches("any", "POSTGRES", "whoever", RoleOracle.NONE, true));
        assertTrue(c.identMatches(null, "same", "same"));
        assertFalse(c.identMatches("", "one", "other"));
    }

    @Test
    void ident_regex_on_the_pg_user_side() throws IOException {
        HbaConfiguration c = load("local all all trust\n", "m alice /^(ro|rw)_alice$\n");
        assertTrue(c.identMatches("m", "alice", "ro_alice"));
        assertFalse(c.identMatches("m", "alice", "admin"));
    }

    @Test
    void concurrent_matching_during_reloads_always_sees_a_whole_file() throws Exception {
        HbaConfiguration c = load("local all all trust\nlocal all all trust\n", "");
        Thread reloader = Thread.ofPlatform().start(() -> {
            try {
                for (int i = 0; i < 200; i++) {
                    Files.writeString(dir.resolve("pg_hba.conf"), i % 2 == 0
                            ? "local all all reject\nlocal all all reject\n" : "local all all trust\nlocal all all trust\n");
                    c.reload();
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        while (reloader.isAlive()) {
            String m = c.match(ConnectionRequest.local("d", "u")).method();
            assertTrue(m.equals("trust") || m.equals("reject"));
        }
        reloader.join();
    }
}
