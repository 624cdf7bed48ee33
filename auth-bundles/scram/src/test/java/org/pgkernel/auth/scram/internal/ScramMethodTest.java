package org.pgkernel.auth.scram.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ongres.scram.common.ScramFunctions;
import com.ongres.scram.common.ScramMechanism;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.pgkernel.catalog.api.Database;
import org.pgkernel.catalog.api.Membership;
import org.pgkernel.catalog.api.Passwords;
import org.pgkernel.catalog.api.Role;
import org.pgkernel.catalog.api.SharedCatalog;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.SqlState;
import org.pgkernel.kernel.spi.AuthenticationMethod.AuthExchange;

/**
 * The exchange driven by a client made of scram-common's functions, as pgjdbc computes its side.
 */
class ScramMethodTest {
    private static final String SECRET = Passwords.encrypt("scram-sha-256", "alice", "s3cret");

    /** A catalog with the one role alice (password s3cret), and bob whose password expired. */
    private static SharedCatalog catalog() {
        Role alice = Role.named("alice").withPassword(SECRET);
        Role bob = new Role(16385, "bob", false, true, false, false, true, false, false, -1, SECRET, Instant.now().minusSeconds(60));
        return new SharedCatalog() {
            @Override public Optional<Role> role(String name) {
                return name.equals("alice") ? Optional.of(alice) : name.equals("bob") ? Optional.of(bob) : Optional.empty();
            }
            @Override public Optional<Role> role(int oid) { return Optional.empty(); }
            @Override public List<Role> roles() { return List.of(alice, bob); }
            @Override public Optional<Database> database(String name) { return Optional.empty(); }
            @Override public Optional<Database> database(int oid) { return Optional.empty(); }
            @Override public List<Database> databases() { return List.of(); }
            @Override public List<Membership> memberships() { return List.of(); }
            @Override public boolean isMemberOf(String role, String group) { return role.equals(group); }
            @Override public Role createRole(Role spec) { throw new UnsupportedOperationException(); }
            @Override public Role alterRole(Role spec) { throw new UnsupportedOperationException(); }
            @Override public void dropRole(String name) { throw new UnsupportedOperationException(); }
            @Override public boolean grant(String g, String m, String by, boolean admin) { throw new UnsupportedOperationException(); }
            @Override public boolean revoke(String g, String m, boolean adminOnly) { throw new UnsupportedOperationException(); }
            @Override public Database createDatabase(Database spec) { throw new UnsupportedOperationException(); }
            @Override public void dropDatabase(String name) { throw new UnsupportedOperationException(); }
            @Override public long version() { return 1; }
        };
    }

    /** A scripted client: each answer is computed from the server's last request. */
    private static final class Client implements AuthExchange {
        final String user;
        final List<String> requests = new ArrayList<>();
        final Deque<Function<byte[], byte[]>> answers = new ArrayDeque<>();
        byte[] lastPayload;
        Client(String user) { this.user = user; }
        @Override public String userName() { return user; }
        @Override public String databaseName() { return "postgres"; }
        @Override public void sendRequest(int code, byte[] payload) {
            requests.add(code + ":" + new String(payload, StandardCharsets.UTF_8));
            lastPayload = payload;
        }
        @Override public byte[] receiveResponse() { return answers.removeFirst().apply(lastPayload); }
        @Override public boolean isSsl() { return false; }
        @Override public byte[] serverCertificate() { return null; }
        @Override public String clientCertificateDn() { return null; }
    }

    private static byte[] initial(String mechanism, String clientFirst) {
        byte[] m = mechanism.getBytes(StandardCharsets.US_ASCII);
        byte[] d = clientFirst.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(m.length + 1 + 4 + d.length).put(m).put((byte) 0).putInt(d.length).put(d).array();
    }

    /** Runs a whole exchange with the given password; returns the client. */
    private static Client exchange(String user, String password) throws Exception {
        Client c = new Client(user);
        String bare = "n=,r=clientnonce123";
        String[] serverFirst = new String[1];
        c.answers.add(p -> initial("SCRAM-SHA-256", "n,," + bare));
        c.answers.add(p -> {
            serverFirst[0] = new String(p, StandardCharsets.UTF_8);
            String[] f = serverFirst[0].split(",");
            String nonce = f[0].substring(2);
            byte[] salt = Base64.getDecoder().decode(f[1].substring(2));
            int iterations = Integer.parseInt(f[2].substring(2));
            byte[] salted = ScramFunctions.saltedPassword(ScramMechanism.SCRAM_SHA_256,
                    com.ongres.scram.common.StringPreparation.SASL_PREPARATION, password.toCharArray(), salt, iterations);
            String withoutProof = "c=" + Base64.getEncoder().encodeToString("n,,".getBytes(StandardCharsets.US_ASCII)) + ",r=" + nonce;
            String auth = bare + "," + serverFirst[0] + "," + withoutProof;
            byte[] clientKey = ScramFunctions.clientKey(ScramMechanism.SCRAM_SHA_256, salted);
            byte[] storedKey = ScramFunctions.storedKey(ScramMechanism.SCRAM_SHA_256, clientKey);
            byte[] signature = ScramFunctions.clientSignature(ScramMechanism.SCRAM_SHA_256, storedKey, auth);
            byte[] proof = ScramFunctions.clientProof(clientKey, signature);
            return (withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof)).getBytes(StandardCharsets.UTF_8);
        });
        new ScramMethod(catalog()).authenticate(c, Map.of());
        return c;
    }

    @Test
    void the_right_password_passes_and_the_server_proves_it_knows_the_secret() throws Exception {
        Client c = exchange("alice", "s3cret");
        assertEquals("10:SCRAM-SHA-256", c.requests.get(0), "no -PLUS without TLS");
        Passwords.ScramSecret s = Passwords.parseScram(SECRET);
        assertTrue(c.requests.get(1).contains(",s=" + Base64.getEncoder().encodeToString(s.salt()) + ",i=4096"));
        assertTrue(c.requests.get(1).startsWith("11:r=clientnonce123"));
        assertTrue(c.requests.get(2).startsWith("12:v="));
    }

    @Test
    void wrong_password_unknown_role_and_expired_password_fail_alike() {
        for (String[] t : new String[][] {{"alice", "wrong"}, {"nobody", "s3cret"}, {"bob", "s3cret"}}) {
            PgException e = assertThrows(PgException.class, () -> exchange(t[0], t[1]), t[0]);
            assertEquals(SqlState.INVALID_PASSWORD, e.sqlState());
            assertEquals("password authentication failed for user \"" + t[0] + "\"", e.getMessage());
        }
    }

    @Test
    void a_nonexistent_role_gets_the_same_salt_every_time() throws Exception {
        ScramMethod m = new ScramMethod(catalog());
        List<String> salts = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Client c = new Client("ghost");
            c.answers.add(p -> initial("SCRAM-SHA-256", "n,,n=,r=abc"));
            c.answers.add(p -> "c=biws,r=x,p=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".getBytes(StandardCharsets.US_ASCII));
            assertThrows(PgException.class, () -> m.authenticate(c, Map.of()));
            salts.add(c.requests.get(1).replaceAll(".*,s=([^,]*),.*", "$1"));
        }
        assertEquals(salts.get(0), salts.get(1));
    }

    @Test
    void malformed_client_messages_get_postgresql_answers() {
        String[][] cases = {
            {"SCRAM-SHA-1", "n,,n=,r=abc", "client selected an invalid SASL authentication mechanism"},
            {"SCRAM-SHA-256", "x,,n=,r=abc", "malformed SCRAM message"},
            {"SCRAM-SHA-256", "p=tls-server-end-point,,n=,r=abc", "malformed SCRAM message"},
            {"SCRAM-SHA-256-PLUS", "p=tls-server-end-point,,n=,r=abc", "client selected an invalid SASL authentication mechanism"},
        };
        for (String[] t : cases) {
            Client c = new Client("alice");
            c.answers.add(p -> initial(t[0], t[1]));
            PgException e = assertThrows(PgException.class, () -> new ScramMethod(catalog()).authenticate(c, Map.of()), t[1]);
            assertEquals(SqlState.PROTOCOL_VIOLATION, e.sqlState(), t[1]);
            assertEquals(t[2], e.getMessage(), t[1]);
        }
        Client c = new Client("alice");
        c.answers.add(p -> initial("SCRAM-SHA-256", "n,a=bob,n=,r=abc"));
        PgException e = assertThrows(PgException.class, () -> new ScramMethod(catalog()).authenticate(c, Map.of()));
        assertEquals(SqlState.FEATURE_NOT_SUPPORTED, e.sqlState());
        assertEquals("client uses authorization identity, but it is not supported", e.getMessage());
    }

    @Test
    void a_changed_nonce_is_refused() {
        Client c = new Client("alice");
        c.answers.add(p -> initial("SCRAM-SHA-256", "n,,n=,r=abc"));
        c.answers.add(p -> "c=biws,r=abcOTHER,p=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".getBytes(StandardCharsets.US_ASCII));
        PgException e = assertThrows(PgException.class, () -> new ScramMethod(catalog()).authenticate(c, Map.of()));
        assertEquals("invalid SCRAM response", e.getMessage());
        assertArrayEquals(new byte[0], new byte[0]);
    }
}
