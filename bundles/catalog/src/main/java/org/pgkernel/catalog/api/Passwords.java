package org.pgkernel.catalog.api;

import com.ongres.saslprep.SASLprep;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * What PostgreSQL's encrypt_password() and get_password_type() do (src/backend/libpq/crypt.c
 * and src/common/scram-common.c), as static functions: the SQL engine uses them for
 * CREATE/ALTER ROLE … PASSWORD, initdb for --pwfile, the authentication bundles to tell
 * verifier kinds apart and to read a SCRAM secret. Stateless; the SASLprep library it uses
 * is embedded privately in this bundle.
 *
 * <p>Stored forms (pg_authid.rolpassword):
 * <pre>
 *   md5 + 32 lowercase hex digits                 md5(password || role name)
 *   SCRAM-SHA-256$&lt;iterations&gt;:&lt;salt&gt;$&lt;StoredKey&gt;:&lt;ServerKey&gt;   salt and keys in base64
 * </pre>
 * SaltedPassword = PBKDF2-HMAC-SHA-256(SASLprep(password), salt, iterations) (RFC 5802 Hi()),
 * StoredKey = SHA-256(HMAC(SaltedPassword, "Client Key")), ServerKey = HMAC(SaltedPassword,
 * "Server Key"). Nothing here logs, and no secret leaves through an exception message.
 */
public final class Passwords {
    private Passwords() { }

    /** scram_iterations of PostgreSQL 15 (a constant there; a setting from 16 on). */
    public static final int SCRAM_ITERATIONS = 4096;

    /** SCRAM_DEFAULT_SALT_LEN: the bytes of random salt in a new secret. */
    public static final int SCRAM_SALT_LENGTH = 16;

    private static final int SCRAM_KEY_LENGTH = 32;
    private static final String SCRAM_PREFIX = "SCRAM-SHA-256";
    private static final SecureRandom RANDOM = new SecureRandom();

    public enum Type { PLAINTEXT, MD5, SCRAM_SHA_256 }

    /** A parsed {@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>} (salt and keys decoded from base64). */
    public record ScramSecret(int iterations, byte[] salt, byte[] storedKey, byte[] serverKey) {
        /** The salt as it appears in the secret (and in server-first-message's {@code s=}). */
        public String encodedSalt() { return Base64.getEncoder().encodeToString(salt); }
    }

    /** get_password_type(): MD5 for "md5" + 32 hex digits, SCRAM_SHA_256 for a parseable SCRAM secret, else PLAINTEXT. */
    public static Type typeOf(String stored) {
        if (stored.length() == 35 && stored.startsWith("md5") && isLowerHex(stored, 3)) return Type.MD5;
        if (parseScram(stored) != null) return Type.SCRAM_SHA_256;
        return Type.PLAINTEXT;
    }

    private static boolean isLowerHex(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) return false;
        }
        return true;
    }

    /**
     * parse_scram_secret(); null when {@code stored} is not a valid SCRAM-SHA-256 secret. The
     * fields are split as PostgreSQL splits them (strtok() on "$", ":", "$", ":"), the iteration
     * count read as strtol() reads it, the salt must be base64 and both keys exactly 32 bytes.
     */
    public static ScramSecret parseScram(String stored) {
        Tokenizer t = new Tokenizer(stored);
        String scheme = t.next("$");
        String iterations = t.next(":");
        String salt = t.next("$");
        String storedKey = t.next(":");
        String serverKey = t.rest();
        if (scheme == null || iterations == null || salt == null || storedKey == null || serverKey == null) return null;
        if (!scheme.equals(SCRAM_PREFIX)) return null;
        Integer count = strtol(iterations);
        if (count == null) return null;
        byte[] saltBytes = base64(salt);
        byte[] storedBytes = base64(storedKey);
        byte[] serverBytes = base64(serverKey);
        if (saltBytes == null || storedBytes == null || serverBytes == null) return null;
        if (storedBytes.length != SCRAM_KEY_LENGTH || serverBytes.length != SCRAM_KEY_LENGTH) return null;
        return new ScramSecret(count, saltBytes, storedBytes, serverBytes);
    }

    /**
     * encrypt_password(): a password already in md5 or SCRAM form is stored as is; otherwise
     * it is hashed as {@code passwordEncryption} says ("scram-sha-256": SASLprep (the raw
     * password when SASLprep fails, as PostgreSQL does), a 16-byte random salt, 4096
     * iterations; "md5": "md5" + hex md5(password + role)).
     *
     * @throws IllegalArgumentException when {@code passwordEncryption} is neither
     *         "scram-sha-256" nor "md5" (the setting's own validation keeps it from happening)
     */
    public static String encrypt(String passwordEncryption, String role, String password) {
        if (typeOf(password) != Type.PLAINTEXT) return password;
        switch (passwordEncryption.toLowerCase(Locale.ROOT)) {
            case "scram-sha-256" -> {
                byte[] salt = new byte[SCRAM_SALT_LENGTH];
                RANDOM.nextBytes(salt);
                return scramSecret(password, salt, SCRAM_ITERATIONS);
            }
            case "md5" -> {
                return md5(password, role);
            }
            default -> throw new IllegalArgumentException("cannot encrypt a password as \"" + passwordEncryption + "\"");
        }
    }

    /**
     * plain_crypt_verify(): whether the cleartext {@code password} matches what is stored for
     * {@code role} (an md5 hash or a SCRAM secret; a stored plaintext never matches, as
     * PostgreSQL never stores one). Comparisons are constant-time.
     */
    public static boolean verifyPlain(String role, String stored, String password) {
        switch (typeOf(stored)) {
            case MD5 -> {
                return MessageDigest.isEqual(md5(password, role).getBytes(StandardCharsets.US_ASCII),
                        stored.getBytes(StandardCharsets.US_ASCII));
            }
            case SCRAM_SHA_256 -> {
                ScramSecret s = parseScram(stored);
                byte[] salted = saltedPassword(password, s.salt(), s.iterations());
                return MessageDigest.isEqual(hmac(salted, "Server Key"), s.serverKey());
            }
            default -> {
                return false;
            }
        }
    }

    /**
     * pg_saslprep(): the password normalized with SASLprep (RFC 4013), or null when SASLprep
     * refuses it (prohibited or unassigned characters, bidi rules, nothing left after mapping);
     * PostgreSQL then uses the password's bytes as they are. Pure ASCII is returned unchanged.
     */
    public static String saslPrep(String password) {
        boolean ascii = true;
        for (int i = 0; i < password.length() && ascii; i++) ascii = password.charAt(i) < 0x80;
        if (ascii) return password;
        try {
            String prepared = new SASLprep().prepareStored(password);
            return prepared.isEmpty() ? null : prepared;
        } catch (RuntimeException e) {
            // IllegalArgumentException for what SASLprep prohibits; the library also fails
            // (index out of bounds) when mapping leaves nothing, which PostgreSQL prohibits too
            return null;
        }
    }

    /** scram_build_secret() with a given salt and iteration count. */
    static String scramSecret(String password, byte[] salt, int iterations) {
        byte[] salted = saltedPassword(password, salt, iterations);
        byte[] storedKey = sha256(hmac(salted, "Client Key"));
        byte[] serverKey = hmac(salted, "Server Key");
        Base64.Encoder b64 = Base64.getEncoder();
        return SCRAM_PREFIX + "$" + iterations + ":" + b64.encodeToString(salt) + "$" + b64.encodeToString(storedKey)
                + ":" + b64.encodeToString(serverKey);
    }

    /** Hi(SASLprep(password), salt, iterations): PBKDF2-HMAC-SHA-256 over the prepared password's UTF-8 bytes. */
    static byte[] saltedPassword(String password, byte[] salt, int iterations) {
        String prepared = saslPrep(password);
        char[] chars = (prepared != null ? prepared : password).toCharArray();
        try {
            // the JDK's PBKDF2 encodes the characters as UTF-8, as the client does
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(chars, salt, iterations, SCRAM_KEY_LENGTH * 8)).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available", e);
        } finally {
            java.util.Arrays.fill(chars, '\0');
        }
    }

    static byte[] hmac(byte[] key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static String md5(String password, String role) {
        try {
            MessageDigest md = MessageDigest.getInstance("MD5");
            md.update(password.getBytes(StandardCharsets.UTF_8));
            md.update(role.getBytes(StandardCharsets.UTF_8));
            return "md5" + HexFormat.of().formatHex(md.digest());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("MD5 is not available", e);
        }
    }

    /** strtol(s, &end, 10) that must consume all of {@code s} without overflow, as an int. */
    private static Integer strtol(String s) {
        int i = 0;
        while (i < s.length() && " \t\n\r\f\u000b".indexOf(s.charAt(i)) >= 0) i++;
        int start = i;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
        int digits = i;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') i++;
        if (i == digits || i != s.length()) return null;
        try {
            long v = Long.parseLong(s.substring(start).startsWith("+") ? s.substring(start + 1) : s.substring(start));
            return v < Integer.MIN_VALUE || v > Integer.MAX_VALUE ? null : (int) v;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** pg_b64_decode(): standard alphabet, '=' padding, whitespace skipped; null when malformed. */
    private static byte[] base64(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') b.append(c);
        }
        if (b.length() % 4 != 0) return null;
        try {
            return Base64.getDecoder().decode(b.toString());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** strtok(): each call skips leading delimiters, then takes up to the next one. */
    private static final class Tokenizer {
        private final String s;
        private int p;

        Tokenizer(String s) { this.s = s; }

        String next(String delimiters) {
            while (p < s.length() && delimiters.indexOf(s.charAt(p)) >= 0) p++;
            if (p >= s.length()) return null;
            int start = p;
            while (p < s.length() && delimiters.indexOf(s.charAt(p)) < 0) p++;
            String token = s.substring(start, p);
            if (p < s.length()) p++;
            return token;
        }

        /** strtok(NULL, ""): whatever is left, if anything. */
        String rest() {
            if (p >= s.length()) return null;
            String token = s.substring(p);
            p = s.length();
            return token;
        }
    }
}
