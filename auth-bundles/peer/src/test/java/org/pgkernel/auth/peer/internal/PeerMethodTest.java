package org.pgkernel.auth.peer.internal;

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

/** The peer method against a scripted Unix-socket connection and a pg_ident.conf of a few entries. */
class PeerMethodTest {

    /** postgres is a member of "dba"; nobody else is a member of anything but themselves. */
    private static final SharedCatalog CATALOG = (SharedCatalog) Proxy.newProxyInstance(
            PeerMethodTest.class.getClassLoader(), new Class<?>[] {SharedCatalog.class}, (p, m, a) -> {
                if (!m.getName().equals("isMemberOf")) throw new UnsupportedOperationException(m.getName());
                return a[0].equals(a[1]) || a[0].equals("postgres") && a[1].equals("dba");
            });

    /**
     * pg_ident.conf for the entries the tests use: map "local" lets OS user root act as postgres,
     * and OS user "backup" act as any member of "dba"; every call is recorded.
     */
    private static final class Ident implements HbaService {
        final List<String> calls = new ArrayList<>();

        @Override
        public boolean identMatches(String mapName, String systemUser, String pgRole, RoleOracle roles, boolean ci) {
            calls.add(mapName + "|" + systemUser + "|" + pgRole + "|" + ci);
            if (mapName == null || mapName.isEmpty()) return systemUser.equals(pgRole);
            if (!mapName.equals("local")) return false;
            return systemUser.equals("root") && pgRole.equals("postgres")
                    || systemUser.equals("backup") && roles.isMemberOf(pgRole, "dba");
        }

        @Override public boolean identMatches(String m, String s, String p) { return identMatches(m, s, p, RoleOracle.NONE, false); }
        @Override public HbaMatch match(ConnectionRequest request) { throw new UnsupportedOperationException(); }
        @Override public boolean reload() { throw new UnsupportedOperationException(); }
        @Override public List<HbaRuleRow> rules() { throw new UnsupportedOperationException(); }
        @Override public List<HbaRuleRow> rules(Predicate<String> available) { throw new UnsupportedOperationException(); }
        @Override public List<IdentRow> identMappings() { throw new UnsupportedOperationException(); }
    }

    /** A client over a Unix-domain socket whose peer credentials name {@code osUser} (null: unknown). */
    private static final class Client implements AuthExchange {
        final String user;
        final String osUser;
        int requests;

        Client(String user, String osUser) {
            this.user = user;
            this.osUser = osUser;
        }

        @Override public String userName() { return user; }
        @Override public String databaseName() { return "postgres"; }
        @Override public void sendRequest(int code, byte[] payload) { requests++; }
        @Override public byte[] receiveResponse() { throw new AssertionError("peer asks the client nothing"); }
        @Override public boolean isSsl() { return false; }
        @Override public byte[] serverCertificate() { return null; }
        @Override public String clientCertificateDn() { return null; }
        @Override public String peerUserName() { return osUser; }
    }

    private static PgException failure(PeerMethod m, Client c, Map<String, String> options) {
        return assertThrows(PgException.class, () -> m.authenticate(c, options));
    }

    @Test
    void the_os_user_of_the_same_name_passes_without_a_word_to_the_client() {
        Ident ident = new Ident();
        Client c = new Client("alice", "alice");
        assertDoesNotThrow(() -> new PeerMethod(ident, CATALOG).authenticate(c, Map.of()));
        assertEquals(List.of("null|alice|alice|false"), ident.calls);
        assertEquals(0, c.requests);
    }

    @Test
    void another_os_user_fails_with_28000() {
        PgException e = failure(new PeerMethod(new Ident(), CATALOG), new Client("postgres", "root"), Map.of());
        assertEquals(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, e.sqlState());
        assertEquals("Peer authentication failed for user \"postgres\"", e.getMessage());
    }

    @Test
    void a_map_lets_the_os_user_act_as_a_database_user() {
        Ident ident = new Ident();
        PeerMethod m = new PeerMethod(ident, CATALOG);
        Map<String, String> options = Map.of("map", "local");
        assertDoesNotThrow(() -> m.authenticate(new Client("postgres", "root"), options));
        PgException e = failure(m, new Client("alice", "root"), options);
        assertEquals("Peer authentication failed for user \"alice\"", e.getMessage());
        // with a map, the names being equal is not enough
        failure(m, new Client("alice", "alice"), options);
        assertEquals(List.of("local|root|postgres|false", "local|root|alice|false", "local|alice|alice|false"), ident.calls);
    }

    @Test
    void the_map_learns_group_membership_from_the_catalog() {
        PeerMethod m = new PeerMethod(new Ident(), CATALOG);
        assertDoesNotThrow(() -> m.authenticate(new Client("postgres", "backup"), Map.of("map", "local")));
        failure(m, new Client("alice", "backup"), Map.of("map", "local"));
    }

    @Test
    void unknown_peer_credentials_fail_without_consulting_the_map() {
        Ident ident = new Ident();
        for (String os : new String[] {null, ""}) {
            PgException e = failure(new PeerMethod(ident, CATALOG), new Client("postgres", os), Map.of("map", "local"));
            assertEquals(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, e.sqlState());
            assertEquals("Peer authentication failed for user \"postgres\"", e.getMessage());
        }
        assertTrue(ident.calls.isEmpty());
    }

    @Test
    void an_exchange_that_predates_peer_credentials_reads_as_unknown() {
        AuthExchange old = new AuthExchange() {
            @Override public String userName() { return "postgres"; }
            @Override public String databaseName() { return "postgres"; }
            @Override public void sendRequest(int code, byte[] payload) { }
            @Override public byte[] receiveResponse() { return new byte[0]; }
            @Override public boolean isSsl() { return false; }
            @Override public byte[] serverCertificate() { return null; }
            @Override public String clientCertificateDn() { return null; }
        };
        assertThrows(PgException.class, () -> new PeerMethod(new Ident(), CATALOG).authenticate(old, Map.of()));
    }

    @Test
    void the_method_is_named_peer() {
        assertEquals("peer", new PeerMethod(new Ident(), CATALOG).name());
    }
}
