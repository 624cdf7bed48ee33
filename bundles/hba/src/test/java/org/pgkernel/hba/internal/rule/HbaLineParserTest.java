package org.pgkernel.hba.internal.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgkernel.hba.api.ConnectionType;
import org.pgkernel.hba.internal.file.AuthFileTokenizer;
import org.pgkernel.hba.internal.file.ConfigReport;
import org.pgkernel.hba.internal.file.TokenizedLine;

class HbaLineParserTest {
    @TempDir
    Path dir;
    final List<String> logged = new ArrayList<>();
    final ConfigReport report = (m, h, c) -> logged.add(m + (h == null ? "" : " | HINT " + h) + (c == null ? "" : " | " + c));

    private ParseResult<HbaLine> parse(String line) throws IOException {
        return parse(line, false);
    }

    private ParseResult<HbaLine> parse(String line, boolean ssl) throws IOException {
        Path f = dir.resolve("pg_hba.conf");
        Files.writeString(f, line + "\n");
        TokenizedLine tl = new AuthFileTokenizer(report).tokenize(f).get(0);
        return new HbaLineParser(ssl, false).parse(tl, report);
    }

    private String error(String line) throws IOException {
        ParseResult<HbaLine> r = parse(line, true);
        assertNull(r.line(), "line should not load: " + line);
        return r.error();
    }

    @Test
    void parses_every_record_type() throws IOException {
        assertEquals(ConnectionType.LOCAL, parse("local all all trust").line().type());
        assertEquals(ConnectionType.HOST, parse("host all all all trust").line().type());
        assertEquals(ConnectionType.HOSTSSL, parse("hostssl all all all trust", true).line().type());
        assertEquals(ConnectionType.HOSTNOSSL, parse("hostnossl all all all trust").line().type());
        assertEquals(ConnectionType.HOSTGSSENC, parse("hostgssenc all all all trust").line().type());
        assertEquals(ConnectionType.HOSTNOGSSENC, parse("hostnogssenc all all all trust").line().type());
    }

    @Test
    void reports_structural_errors_with_postgresql_messages() throws IOException {
        assertEquals("invalid connection type \"foo\"", error("foo all all trust"));
        assertEquals("end-of-line before database specification", error("local"));
        assertEquals("end-of-line before role specification", error("host all"));
        assertEquals("end-of-line before IP address specification", error("host all all"));
        assertEquals("end-of-line before authentication method", error("host all all 1.2.3.4/32"));
        assertEquals("end-of-line before authentication method", error("local all all"));
        assertEquals("multiple values specified for connection type", error("local,host all all trust"));
        assertEquals("multiple values specified for host address", error("host all all 1.2.3.4/32,::1/128 trust"));
        assertEquals("multiple values specified for authentication type", error("local all all trust,md5"));
        assertEquals("invalid authentication method \"bogus\"", error("local all all bogus"));
        assertEquals("authentication option not in name=value format: foo", error("local all all trust foo"));
        assertEquals("unrecognized authentication option name: \"foo\"", error("local all all trust foo=bar"));
        assertEquals("peer authentication is only supported on local sockets", error("host all all all peer"));
        assertEquals("cert authentication is only supported on hostssl connections", error("host all all all cert"));
        assertEquals("gssapi authentication is not supported on local sockets", error("local all all gss"));
    }

    @Test
    void logs_each_error_with_the_line_as_context() throws IOException {
        error("foo all all trust");
        assertEquals("invalid connection type \"foo\" | line 1 of configuration file \"" + dir.resolve("pg_hba.conf") + "\"",
                logged.get(0));
    }

    @Test
    void reports_address_errors_with_postgresql_messages() throws IOException {
        assertEquals("specifying both host name and CIDR mask is invalid: \"300.1.1.1/24\"", error("host all all 300.1.1.1/24 trust"));
        assertEquals("invalid CIDR mask in address \"10.0.0.0/33\"", error("host all all 10.0.0.0/33 trust"));
        assertEquals("invalid CIDR mask in address \"10.0.0.0/\"", error("host all all 10.0.0.0/ trust"));
        assertEquals("IP address and mask do not match", error("host all all 10.0.0.0 ffff:: trust"));
        assertEquals("invalid IP mask \"255.255.0\": Name or service not known".replace("255.255.0", "x"),
                error("host all all 10.0.0.0 x trust"));
        assertEquals("end-of-line before netmask specification", error("host all all 10.0.0.0"));
    }

    @Test
    void reads_cidr_separate_netmask_host_names_and_keywords() throws IOException {
        HbaLine l = parse("host all all 10.1.2.3 255.255.255.0 md5").line();
        assertEquals("10.1.2.3", l.addressText());
        assertEquals("255.255.255.0", l.maskText());
        l = parse("host all all ::1/64 md5").line();
        assertEquals("::1", l.addressText());
        assertEquals("ffff:ffff:ffff:ffff::", l.maskText());
        l = parse("host all all .example.com md5").line();
        assertEquals(".example.com", l.addressText());
        assertNull(l.maskText());
        assertEquals("samenet", parse("host all all samenet md5").line().addressText());
        assertEquals("samehost", parse("host all all samehost md5").line().addressText());
        // quoted keywords are host names in PostgreSQL 16
        assertEquals("samehost", parse("host all all \"samehost\" md5").line().hostname());
    }

    @Test
    void validates_options_against_the_method() throws IOException {
        assertEquals("authentication option \"map\" is only valid for authentication methods ident, peer, gssapi, sspi, and cert",
                error("host all all all md5 map=x"));
        assertEquals("clientcert can only be configured for \"hostssl\" rows", error("host all all all md5 clientcert=verify-ca"));
        assertEquals("clientname can only be configured for \"hostssl\" rows", error("local all all md5 clientname=CN"));
        assertEquals("clientcert can only be set to \"verify-full\" when using \"cert\" authentication",
                error("hostssl all all all cert clientcert=verify-ca"));
        assertEquals("authentication option \"pamservice\" is only valid for authentication methods pam",
                error("host all all all md5 pamservice=x"));
        assertEquals("authentication method \"ldap\" requires argument \"ldapbasedn\", \"ldapprefix\", or \"ldapsuffix\" to be set",
                error("host all all all ldap ldapserver=x"));
        assertEquals("authentication method \"radius\" requires argument \"radiusservers\" to be set", error("host all all all radius"));
        assertEquals("invalid value for clientcert: \"xx\"", error("hostssl all all all md5 clientcert=xx"));
    }

    @Test
    void keeps_options_and_lists_them_as_the_view_does() throws IOException {
        HbaLine l = parse("hostssl all all all cert map=m clientname=DN", true).line();
        assertEquals(Map.of("map", "m", "clientname", "DN", "clientcert", "verify-full"), l.options());
        assertEquals(List.of("map=m", "clientcert=verify-full"), l.viewOptions());
        assertEquals(List.of("ldapserver=x", "ldapprefix=a", "ldapscope=2"),
                parse("host all all all ldap ldapserver=x ldapprefix=a").line().viewOptions());
        assertEquals(List.of("include_realm=true"), parse("host all all all gss").line().viewOptions());
        assertEquals(List.of("map=m"), parse("host all all all gss include_realm=0 map=m").line().viewOptions());
    }

    @Test
    void turns_local_ident_into_peer() throws IOException {
        assertEquals("peer", parse("local all all ident").line().method());
        assertEquals("ident", parse("host all all all ident").line().method());
    }

    @Test
    void hostssl_without_ssl_loads_but_carries_an_error_and_a_hint() throws IOException {
        ParseResult<HbaLine> r = parse("hostssl all all all trust", false);
        assertNotNull(r.line());
        assertEquals("hostssl record cannot match because SSL is disabled", r.error());
        assertEquals("hostssl record cannot match because SSL is disabled | HINT Set ssl = on in postgresql.conf. | line 1 of configuration file \""
                + dir.resolve("pg_hba.conf") + "\"", logged.get(0));
    }

    @Test
    void compiles_regular_expressions_and_reports_bad_ones() throws IOException {
        HbaLine l = parse("local /^db\\d+$ /^(alice|bob)$ trust").line();
        assertNotNull(l.databases().get(0).regex());
        assertNotNull(l.roles().get(0).regex());
        assertEquals("invalid regular expression \"^(a\": parentheses () not balanced", error("local /^(a all trust"));
    }
}
