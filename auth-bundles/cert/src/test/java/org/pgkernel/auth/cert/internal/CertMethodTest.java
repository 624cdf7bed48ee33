package org.pgkernel.auth.cert.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.pgkernel.catalog.api.SharedCatalog;
import org.pgkernel.hba.api.ConnectionRequest;
import org.pgkernel.hba.api.HbaMatch;
import org.pgkernel.hba.api.HbaRuleRow;
import org.pgkernel.hba.api.HbaService;
import org.pgkernel.hba.api.IdentRow;
import org.pgkernel.hba.api.RoleOracle;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.SqlState;
import org.pgkernel.kernel.spi.AuthenticationMethod.AuthExchange;

/** The cert method against a scripted connection and a pg_ident.conf of a few entries. */
class CertMethodTest {

    /** alice is a member of group "admins"; nobody else is a member of anything but themselves. */
    private static final SharedCatalog CATALOG = (SharedCatalog) Proxy.newProxyInstance(
            CertMethodTest.class.getClassLoader(), new Class<?>[] {SharedCatalog.class}, (p, m, a) -> {
                if (!m.getName().equals("isMemberOf")) throw new UnsupportedOperationException(m.getName());
                return a[0].equals(a[1]) || a[0].equals("alice") && a[1].equals("admins");
            });

    /**
     * pg_ident.conf as check_usermap() reads it, for the entries the tests use: map "certmap"
     * lets CN "svc-alice" act as alice and any member of "admins" be CN "ops"; every call is recorded.
     */
    private static final class Ident implements HbaService {
        final List<String> calls = new ArrayList<>();

        @Override
        public boolean identMatches(String mapName, String systemUser, String pgRole, RoleOracle roles, boolean ci) {
            calls.add(mapName + "|" + systemUser + "|" + pgRole + "|" + ci);
            if (mapName == null || mapName.isEmpty()) return systemUser.equals(pgRole);
            if (!mapName.equals("certmap")) return false;
            return systemUser.equals("svc-alice") && pgRole.equals("alice")
                    || systemUser.equals("ops") && roles.isMemberOf(pgRole, "admins");
        }

        @Override public boolean identMatches(String m, String s, String p) { return identMatches(m, s, p, RoleOracle.NONE, false); }
        @Override public HbaMatch match(ConnectionRequest request) { throw new UnsupportedOperationException(); }
        @Override public boolean reload() { throw new UnsupportedOperationException(); }
        @Override public List<HbaRuleRow> rules() { throw new UnsupportedOperationException(); }
        @Override public List<HbaRuleRow> rules(Predicate<String> available) { throw new UnsupportedOperationException(); }
        @Override public List<IdentRow> identMappings() { throw new UnsupportedOperationException(); }
    }

    /** A TLS connection whose client presented a certificate with this DN and CN (dn null: none). */
    private static final class Client implements AuthExchange {
        final String user;
        final boolean ssl;
        final String dn;
        final String cn;
        int requests;

        Client(String user, boolean ssl, String dn, String cn) {
            this.user = user;
            this.ssl = ssl;
            this.dn = dn;
            this.cn = cn;
        }

        @Override public String userName() { return user; }
        @Override public String databaseName() { return "postgres"; }
        @Override public void sendRequest(int code, byte[] payload) { requests++; }
        @Override public byte[] receiveResponse() { throw new AssertionError("cert asks the client nothing"); }
        @Override public boolean isSsl() { return ssl; }
        @Override public byte[] serverCertificate() { return ssl ? new byte[] {1} : null; }
        @Override public String clientCertificateDn() { return ssl ? dn : null; }
        @Override public String clientCertificateCn() { return ssl ? cn : null; }
    }

    private static Client withCn(String user, String cn) {
        return new Client(user, true, "CN=" + cn + ",O=Example", cn);
    }

    private static PgException failure(CertMethod m, Client c, Map<String, String> options) {
        return assertThrows(PgException.class, () -> m.authenticate(c, options));
    }

    @Test
    void a_certificate_whose_cn_is_the_user_name_passes_without_a_word_to_the_client() {
        Ident ident = new Ident();
        Client c = withCn("certuser", "certuser");
        assertDoesNotThrow(() -> new CertMethod(ident, CATALOG).authenticate(c, Map.of("clientcert", "verify-full")));
        assertEquals(List.of("null|certuser|certuser|false"), ident.calls);
        assertEquals(0, c.requests);
    }

    @Test
    void a_cn_that_is_not_the_user_name_fails_with_28000() {
        PgException e = failure(new CertMethod(new Ident(), CATALOG), withCn("certuser", "otheruser"), Map.of());
        assertEquals(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, e.sqlState());
        assertEquals("certificate authentication failed for user \"certuser\"", e.getMessage());
    }

    @Test
    void the_comparison_is_case_sensitive() {
        Ident ident = new Ident();
        failure(new CertMethod(ident, CATALOG), withCn("certuser", "CertUser"), Map.of());
        assertTrue(ident.calls.get(0).endsWith("|false"), "never case-insensitive, unlike gss/sspi");
    }

    @Test
    void clientname_dn_compares_the_whole_subject_in_rfc_2253_form() {
        Ident ident = new Ident();
        CertMethod m = new CertMethod(ident, CATALOG);
        String dn = "CN=certuser,O=Example";
        assertDoesNotThrow(() -> m.authenticate(new Client(dn, true, dn, "certuser"), Map.of("clientname", "DN")));
        failure(m, new Client("certuser", true, dn, "certuser"), Map.of("clientname", "DN"));
        assertEquals(List.of("null|" + dn + "|" + dn + "|false", "null|" + dn + "|certuser|false"), ident.calls);
        assertDoesNotThrow(() -> m.authenticate(new Client("certuser", true, dn, "certuser"), Map.of("clientname", "CN")));
    }

    @Test
    void a_map_lets_another_name_act_as_the_user_and_fails_when_nothing_in_it_matches() {
        Ident ident = new Ident();
        CertMethod m = new CertMethod(ident, CATALOG);
        Map<String, String> options = Map.of("map", "certmap", "clientcert", "verify-full");
        assertDoesNotThrow(() -> m.authenticate(withCn("alice", "svc-alice"), options));
        PgException e = failure(m, withCn("bob", "svc-alice"), options);
        assertEquals("certificate authentication failed for user \"bob\"", e.getMessage());
        assertEquals(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, e.sqlState());
        // with a map, the names being equal is not enough
        failure(m, withCn("carol", "carol"), options);
        assertEquals(List.of("certmap|svc-alice|alice|false", "certmap|svc-alice|bob|false", "certmap|carol|carol|false"),
                ident.calls);
    }

    @Test
    void the_map_learns_group_membership_from_the_catalog() {
        CertMethod m = new CertMethod(new Ident(), CATALOG);
        assertDoesNotThrow(() -> m.authenticate(withCn("alice", "ops"), Map.of("map", "certmap")));
        failure(m, withCn("bob", "ops"), Map.of("map", "certmap"));
    }

    @Test
    void without_a_client_certificate_the_connection_is_refused_before_any_name_is_looked_at() {
        Ident ident = new Ident();
        CertMethod m = new CertMethod(ident, CATALOG);
        for (Client c : List.of(new Client("certuser", true, null, null), new Client("certuser", false, "CN=x", "x"))) {
            PgException e = failure(m, c, Map.of());
            assertEquals(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, e.sqlState());
            assertEquals("connection requires a valid client certificate", e.getMessage());
        }
        assertTrue(ident.calls.isEmpty());
    }

    @Test
    void a_certificate_without_a_common_name_fails_as_a_mismatch() {
        Ident ident = new Ident();
        CertMethod m = new CertMethod(ident, CATALOG);
        PgException e = failure(m, new Client("certuser", true, "O=Example", null), Map.of());
        assertEquals("certificate authentication failed for user \"certuser\"", e.getMessage());
        e = failure(m, new Client("certuser", true, "O=Example", ""), Map.of());
        assertEquals("certificate authentication failed for user \"certuser\"", e.getMessage());
        assertTrue(ident.calls.isEmpty(), "no name, nothing to map");
    }

    @Test
    void the_failure_message_is_not_a_format_string() {
        PgException e = failure(new CertMethod(new Ident(), CATALOG), withCn("100%s", "x"), Map.of());
        assertEquals("certificate authentication failed for user \"100%s\"", e.getMessage());
    }

    @Test
    void the_method_is_named_cert() {
        assertEquals("cert", new CertMethod(new Ident(), CATALOG).name());
    }
}
