package org.pgkernel.hba.internal.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgkernel.hba.api.ConnectionRequest;
import org.pgkernel.hba.api.HbaMatch;
import org.pgkernel.hba.api.RoleOracle;
import org.pgkernel.hba.internal.file.AuthFileTokenizer;
import org.pgkernel.hba.internal.file.ConfigReport;
import org.pgkernel.hba.internal.file.TokenizedLine;
import org.pgkernel.kernel.api.ErrorSeverity;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.SqlState;

class HbaMatcherTest {
    @TempDir
    Path dir;

    /** A fake DNS: 10.0.0.5 is db1.example.com (and back); 10.0.0.6 claims a name that resolves elsewhere. */
    static final HostResolver DNS = new HostResolver() {
        @Override
        public String reverse(InetAddress a) {
            return switch (a.getHostAddress()) {
                case "10.0.0.5" -> "db1.Example.com";
                case "10.0.0.6" -> "liar.example.com";
                default -> null;
            };
        }

        @Override
        public List<InetAddress> forward(String name) {
            return switch (name) {
                case "db1.Example.com" -> List.of(ip("10.0.0.5"));
                case "liar.example.com" -> List.of(ip("10.9.9.9"));
                default -> List.of();
            };
        }
    };

    static final LocalInterfaces IFACES = () -> List.of(new LocalInterfaces.Address(ip("192.168.1.10").getAddress(), 24));

    static InetAddress ip(String s) {
        return InetAddress.ofLiteral(s);
    }

    private final HbaMatcher matcher = new HbaMatcher(DNS, IFACES);

    private List<HbaLine> load(String content) throws IOException {
        Path f = dir.resolve("pg_hba.conf");
        Files.writeString(f, content);
        HbaLineParser parser = new HbaLineParser(true, true);
        return new AuthFileTokenizer(ConfigReport.QUIET).tokenize(f).stream()
                .map((TokenizedLine tl) -> parser.parse(tl, ConfigReport.QUIET).line()).toList();
    }

    private String method(List<HbaLine> lines, ConnectionRequest req) {
        HbaLine l = matcher.find(lines, req);
        return l == null ? null : l.method();
    }

    @Test
    void the_first_matching_line_wins() throws IOException {
        List<HbaLine> lines = load("local all alice reject\nlocal all all md5\nlocal all all trust\n");
        assertEquals("reject", method(lines, ConnectionRequest.local("db", "alice")));
        assertEquals("md5", method(lines, ConnectionRequest.local("db", "bob")));
    }

    @Test
    void returns_the_matched_line_with_its_options() throws IOException {
        List<HbaLine> lines = load("# hi\nhost all all 127.0.0.1/32 scram-sha-256\nhostssl all all all cert map=m\n");
        HbaMatch m = matcher.match(lines, ConnectionRequest.tcp(ip("10.1.1.1"), "db", "u").withSsl(true));
        assertEquals(3, m.lineNumber());
        assertEquals("cert", m.method());
        assertEquals(Map.of("map", "m", "clientcert", "verify-full"), m.options());
        assertEquals("hostssl all all all cert map=m", m.rawLine());
        assertEquals(dir.resolve("pg_hba.conf").toString(), m.fileName());
    }

    @Test
    void local_lines_match_only_unix_sockets_and_host_lines_only_tcp() throws IOException {
        List<HbaLine> lines = load("local all all peer\nhost all all all md5\n");
        assertEquals("peer", method(lines, ConnectionRequest.local("d", "u")));
        assertEquals("md5", method(lines, ConnectionRequest.tcp(ip("::1"), "d", "u")));
    }

    @Test
    void ssl_and_gss_encryption_select_lines() throws IOException {
        List<HbaLine> lines = load("hostnossl all all all reject\nhostgssenc all all all gss\nhostssl all all all md5\n");
        ConnectionRequest plain = ConnectionRequest.tcp(ip("1.2.3.4"), "d", "u");
        assertEquals("reject", method(lines, plain));
        assertEquals("md5", method(lines, plain.withSsl(true)));
        lines = load("hostnogssenc all all all reject\nhostgssenc all all all gss\n");
        assertEquals("gss", method(lines, plain.withGssEncryption(true)));
        assertEquals("reject", method(lines, plain));
    }

    @Test
    void compares_addresses_with_cidr_and_netmask_and_never_across_families() throws IOException {
        List<HbaLine> lines = load("host all all 10.1.0.0/16 md5\nhost all all 192.168.0.0 255.255.0.0 password\nhost all all ::1/128 trust\n");
        assertEquals("md5", method(lines, ConnectionRequest.tcp(ip("10.1.200.3"), "d", "u")));
        assertEquals("password", method(lines, ConnectionRequest.tcp(ip("192.168.7.7"), "d", "u")));
        assertEquals("trust", method(lines, ConnectionRequest.tcp(ip("::1"), "d", "u")));
        assertNull(method(lines, ConnectionRequest.tcp(ip("10.2.0.1"), "d", "u")));
        assertNull(method(lines, ConnectionRequest.tcp(ip("::2"), "d", "u")));
    }

    @Test
    void host_names_need_a_matching_reverse_and_forward_lookup() throws IOException {
        List<HbaLine> lines = load("host all all .example.com md5\nhost all all all reject\n");
        assertEquals("md5", method(lines, ConnectionRequest.tcp(ip("10.0.0.5"), "d", "u")));
        assertEquals("reject", method(lines, ConnectionRequest.tcp(ip("10.0.0.6"), "d", "u")));
        assertEquals("reject", method(lines, ConnectionRequest.tcp(ip("10.0.0.7"), "d", "u")));
        lines = load("host all all db1.example.COM md5\n");
        assertEquals("md5", method(lines, ConnectionRequest.tcp(ip("10.0.0.5"), "d", "u")));
    }

    @Test
    void samehost_and_samenet_use_the_interface_addresses() throws IOException {
        List<HbaLine> lines = load("host all all samehost trust\nhost all all samenet md5\n");
        assertEquals("trust", method(lines, ConnectionRequest.tcp(ip("192.168.1.10"), "d", "u")));
        assertEquals("md5", method(lines, ConnectionRequest.tcp(ip("192.168.1.99"), "d", "u")));
        assertNull(method(lines, ConnectionRequest.tcp(ip("192.168.2.1"), "d", "u")));
    }

    @Test
    void database_keywords_sameuser_samerole_and_quoted_all() throws IOException {
        RoleOracle oracle = (role, group) -> Set.of("alice:staff", "alice:alice").contains(role + ":" + group);
        List<HbaLine> lines = load("local sameuser all trust\nlocal samerole all md5\nlocal \"all\" all password\n");
        assertEquals("trust", method(lines, ConnectionRequest.local("alice", "alice")));
        assertEquals("md5", method(lines, ConnectionRequest.local("staff", "alice").withRoles(oracle)));
        assertNull(method(lines, ConnectionRequest.local("db", "alice").withRoles(oracle)));
        assertEquals("password", method(lines, ConnectionRequest.local("all", "alice")));
    }

    @Test
    void user_lists_with_groups_regexes_and_quoted_plus() throws IOException {
        RoleOracle oracle = (role, group) -> role.equals("bob") && group.equals("admins");
        List<HbaLine> lines = load("local all +admins trust\nlocal all \"+admins\" md5\nlocal all /^app_ password\n");
        assertEquals("trust", method(lines, ConnectionRequest.local("d", "bob").withRoles(oracle)));
        assertEquals("md5", method(lines, ConnectionRequest.local("d", "+admins")));
        assertEquals("password", method(lines, ConnectionRequest.local("d", "app_web")));
        assertNull(method(lines, ConnectionRequest.local("d", "web_app")));
    }

    @Test
    void database_regexes_and_at_files() throws IOException {
        Files.writeString(dir.resolve("dbs"), "sales\nhr\n");
        List<HbaLine> lines = load("local /^test_\\d+$ all trust\nlocal @dbs all md5\n");
        assertEquals("trust", method(lines, ConnectionRequest.local("test_42", "u")));
        assertEquals("md5", method(lines, ConnectionRequest.local("hr", "u")));
        assertNull(method(lines, ConnectionRequest.local("test_x", "u")));
    }

    @Test
    void physical_replication_matches_only_the_replication_keyword() throws IOException {
        List<HbaLine> lines = load("local all all reject\nlocal replication all trust\n");
        assertEquals("trust", method(lines, ConnectionRequest.local("", "rep").withReplication(true)));
        assertEquals("reject", method(lines, ConnectionRequest.local("replication", "u")));
    }

    private static PgException noMatch(HbaMatcher m, List<HbaLine> lines, ConnectionRequest r) {
        return assertThrows(PgException.class, () -> m.match(lines, r));
    }

    @Test
    void no_match_says_host_user_database_and_encryption_exactly() throws IOException {
        List<HbaLine> lines = load("local all alice trust\n");
        PgException e = noMatch(matcher, lines, ConnectionRequest.tcp(ip("10.0.0.1"), "db", "bob"));
        assertEquals(ErrorSeverity.FATAL, e.severity());
        assertEquals(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, e.sqlState());
        assertEquals("no pg_hba.conf entry for host \"10.0.0.1\", user \"bob\", database \"db\", no encryption", e.getMessage());
        assertEquals("no pg_hba.conf entry for host \"::1\", user \"bob\", database \"db\", SSL encryption",
                noMatch(matcher, lines, ConnectionRequest.tcp(ip("::1"), "db", "bob").withSsl(true)).getMessage());
        assertEquals("no pg_hba.conf entry for host \"10.0.0.1\", user \"bob\", database \"db\", GSS encryption",
                noMatch(matcher, lines, ConnectionRequest.tcp(ip("10.0.0.1"), "db", "bob").withGssEncryption(true)).getMessage());
        assertEquals("no pg_hba.conf entry for host \"[local]\", user \"bob\", database \"db\", no encryption",
                noMatch(matcher, lines, ConnectionRequest.local("db", "bob")).getMessage());
        assertEquals("no pg_hba.conf entry for replication connection from host \"10.0.0.1\", user \"bob\", no encryption",
                noMatch(matcher, lines, ConnectionRequest.tcp(ip("10.0.0.1"), "", "bob").withReplication(true)).getMessage());
    }
}
