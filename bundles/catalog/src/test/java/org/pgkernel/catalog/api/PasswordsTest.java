package org.pgkernel.catalog.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Passwords against vectors from RFC 7677 and from a PostgreSQL 15 server. */
class PasswordsTest {

    /** Written by PostgreSQL 15: CREATE ROLE vec1 PASSWORD 'scrampass' (password_encryption scram-sha-256). */
    private static final String PG_SCRAM = "SCRAM-SHA-256$4096:DfK0jbOQl4jZs98QUWwRhQ==$"
            + "4HP6SoFRWqoOeOVo5o/g7Rq9Da4p99hYhtlvEr3cg6c=:7FSoTnY405Y1jaC6FWaefGN70itJikpnUEpo0h+WEH8=";
    /** Written by PostgreSQL 15 for the password "p\u00e4ss\u00a0w\u00adord" (a no-break space and a soft hyphen). */
    private static final String PG_SCRAM_SASLPREP = "SCRAM-SHA-256$4096:D2+tn7YrTxHHmV/igXUB5Q==$"
            + "+NP/ce6ndMZNb2SgVBJ0F+bukgdj3NjJSyhgGrcXOpM=:55NwoVHXXwipvrnT8d/bLS8q6IrJ0MBkgg182WQfCzs=";

    private static byte[] hmac(byte[] key, String msg) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(msg.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void scram_secret_with_rfc_7677_salt_answers_the_rfc_exchange() throws Exception {
        // RFC 7677 section 3: user "user", password "pencil", salt W22ZaJ0SNY7soEsUEjb6gQ==, i=4096
        byte[] salt = Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");
        String secret = Passwords.scramSecret("pencil", salt, 4096);
        assertTrue(secret.startsWith("SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$"), secret);
        Passwords.ScramSecret s = Passwords.parseScram(secret);
        assertNotNull(s);
        String authMessage = "n=user,r=rOprNGfwEbeRWgbNEkqO"
                + ",r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
                + ",c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
        // the server's signature is v= of server-final-message
        assertEquals("6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
                Base64.getEncoder().encodeToString(hmac(s.serverKey(), authMessage)));
        // the client's proof p= recovers a ClientKey whose hash is StoredKey
        byte[] proof = Base64.getDecoder().decode("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
        byte[] signature = hmac(s.storedKey(), authMessage);
        byte[] clientKey = new byte[32];
        for (int i = 0; i < 32; i++) clientKey[i] = (byte) (proof[i] ^ signature[i]);
        assertArrayEquals(s.storedKey(), MessageDigest.getInstance("SHA-256").digest(clientKey));
    }

    @Test
    void md5_is_md5_of_password_and_role_name_as_postgres_stores_it() {
        assertEquals("md542db19371ab6c4d2ddfceddcc7550ff5", Passwords.encrypt("md5", "r4", "abc"));
        assertEquals("md53346aa6a4632d17f324d8a6cc5554dae", Passwords.encrypt("md5", "vec3", "x"));
        assertEquals("md588f0378a4317791204d1c2c953ee420c", Passwords.encrypt("MD5", "We\"ird", "pw"));
    }

    @Test
    void new_scram_secrets_have_4096_iterations_and_a_fresh_16_byte_salt() {
        String a = Passwords.encrypt("scram-sha-256", "alice", "x");
        String b = Passwords.encrypt("scram-sha-256", "alice", "x");
        assertTrue(a.matches("SCRAM-SHA-256\\$4096:[A-Za-z0-9+/]{22}==\\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}="), a);
        assertNotEquals(a, b);
        assertEquals(16, Passwords.parseScram(a).salt().length);
        assertEquals(Passwords.Type.SCRAM_SHA_256, Passwords.typeOf(a));
        assertTrue(Passwords.verifyPlain("alice", a, "x"));
        assertFalse(Passwords.verifyPlain("alice", a, "y"));
    }

    @Test
    void verifies_passwords_against_secrets_postgres_wrote() {
        assertTrue(Passwords.verifyPlain("vec1", PG_SCRAM, "scrampass"));
        assertFalse(Passwords.verifyPlain("vec1", PG_SCRAM, "scrampasS"));
        assertTrue(Passwords.verifyPlain("vec2", PG_SCRAM_SASLPREP, "p\u00e4ss\u00a0w\u00adord"));
        // SASLprep: the no-break space is a space, the soft hyphen nothing, and "a" + combining diaeresis is "\u00e4"
        assertTrue(Passwords.verifyPlain("vec2", PG_SCRAM_SASLPREP, "pa\u0308ss word"));
        assertTrue(Passwords.verifyPlain("vec3", "md53346aa6a4632d17f324d8a6cc5554dae", "x"));
        assertFalse(Passwords.verifyPlain("other", "md53346aa6a4632d17f324d8a6cc5554dae", "x"));
        assertFalse(Passwords.verifyPlain("vec3", "x", "x"), "a stored plaintext never matches");
    }

    @Test
    void an_already_hashed_password_is_stored_as_it_is() {
        assertEquals(PG_SCRAM, Passwords.encrypt("md5", "alice", PG_SCRAM));
        assertEquals("md5aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", Passwords.encrypt("scram-sha-256", "alice",
                "md5aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
        assertThrows(IllegalArgumentException.class, () -> Passwords.encrypt("plain", "alice", "x"));
    }

    @Test
    void type_of_follows_get_password_type() {
        assertEquals(Passwords.Type.MD5, Passwords.typeOf("md5aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
        assertEquals(Passwords.Type.PLAINTEXT, Passwords.typeOf("md5AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), "upper-case hex");
        assertEquals(Passwords.Type.PLAINTEXT, Passwords.typeOf("md5aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), "31 digits");
        assertEquals(Passwords.Type.PLAINTEXT, Passwords.typeOf("md5aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), "33 digits");
        assertEquals(Passwords.Type.PLAINTEXT, Passwords.typeOf(""));
        assertEquals(Passwords.Type.PLAINTEXT, Passwords.typeOf("SCRAM-SHA-256$4096:salt"));
        assertEquals(Passwords.Type.SCRAM_SHA_256, Passwords.typeOf(PG_SCRAM));
    }

    @Test
    void parse_scram_splits_and_checks_as_parse_scram_secret() {
        Passwords.ScramSecret s = Passwords.parseScram(PG_SCRAM);
        assertEquals(4096, s.iterations());
        assertEquals("DfK0jbOQl4jZs98QUWwRhQ==", s.encodedSalt());
        assertEquals(32, s.storedKey().length);
        String keys = "4HP6SoFRWqoOeOVo5o/g7Rq9Da4p99hYhtlvEr3cg6c=:7FSoTnY405Y1jaC6FWaefGN70itJikpnUEpo0h+WEH8=";
        assertNull(Passwords.parseScram("SCRAM-SHA-1$4096:DfK0jbOQl4jZs98QUWwRhQ==$" + keys), "scheme");
        assertNull(Passwords.parseScram("SCRAM-SHA-256$40x6:DfK0jbOQl4jZs98QUWwRhQ==$" + keys), "iterations");
        assertNull(Passwords.parseScram("SCRAM-SHA-256$99999999999:DfK0jbOQl4jZs98QUWwRhQ==$" + keys), "overflow");
        assertNull(Passwords.parseScram("SCRAM-SHA-256$4096:DfK0j*OQl4jZs98QUWwRhQ==$" + keys), "salt not base64");
        assertNull(Passwords.parseScram("SCRAM-SHA-256$4096:DfK0jbOQl4jZs98QUWwRhQ==$AAAA:AAAA"), "short keys");
        assertNull(Passwords.parseScram("SCRAM-SHA-256$4096:DfK0jbOQl4jZs98QUWwRhQ=="), "no keys");
        // strtok() skips leading delimiters; strtol() takes a sign and leading blanks
        assertNotNull(Passwords.parseScram("$SCRAM-SHA-256$4096:DfK0jbOQl4jZs98QUWwRhQ==$" + keys));
        assertNull(Passwords.parseScram("SCRAM-SHA-256$$4096:DfK0jbOQl4jZs98QUWwRhQ==$" + keys));
        assertEquals(-5, Passwords.parseScram("SCRAM-SHA-256$ -5:DfK0jbOQl4jZs98QUWwRhQ==$" + keys).iterations());
    }

    @Test
    void saslprep_is_postgres_pg_saslprep() {
        assertEquals("plain ascii\t\u007f", Passwords.saslPrep("plain ascii\t\u007f"), "ASCII is never touched");
        assertEquals("", Passwords.saslPrep(""));
        assertEquals("a b", Passwords.saslPrep("a\u00a0b"));
        assertEquals("ab", Passwords.saslPrep("a\u00adb"));
        assertEquals("\u00e4", Passwords.saslPrep("a\u0308"));
        assertEquals("IX", Passwords.saslPrep("\u2168"), "NFKC");
        assertNull(Passwords.saslPrep("\u00ad"), "nothing left after mapping");
        assertNull(Passwords.saslPrep("a\u0627"), "RandALCat with LCat");
        assertNull(Passwords.saslPrep("\u00e4\u0000"), "prohibited control character");
    }

    @Test
    void an_empty_password_hashes_and_verifies() {
        String s = Passwords.encrypt("scram-sha-256", "bob", "");
        assertTrue(Passwords.verifyPlain("bob", s, ""));
        assertTrue(Passwords.verifyPlain("bob", Passwords.encrypt("md5", "bob", ""), ""));
    }
}
