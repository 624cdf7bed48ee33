package org.pgkernel.auth.md5.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.pgkernel.catalog.api.Passwords;
import org.pgkernel.catalog.api.SharedCatalog;
import org.pgkernel.catalog.api.StoredPasswords;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.Postmaster;
import org.pgkernel.kernel.api.SqlState;
import org.pgkernel.kernel.spi.AuthenticationMethod;

/**
 * pg_hba method {@code md5} (cf. auth.c CheckPWChallengeAuth() and CheckMD5Auth()): a
 * 4-byte random salt in AuthenticationMD5Password, the client answers
 * "md5" + md5(md5(password + user) + salt), compared in constant time with what the stored
 * "md5…" hash gives. A role whose stored verifier is SCRAM authenticates with SCRAM instead,
 * as PostgreSQL does: the exchange is handed to the {@code scram-sha-256} method's service,
 * so with that bundle stopped such roles fail closed. A role with no usable verifier gets a
 * mock exchange of the kind password_encryption names, then the same 28P01 as a wrong password.
 */
@Component(service = AuthenticationMethod.class, property = AuthenticationMethod.METHOD_PROPERTY + "=md5")
public final class Md5Method implements AuthenticationMethod {
    static final int AUTH_REQ_MD5 = 5;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SharedCatalog catalog;
    private final Postmaster postmaster;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            target = "(" + AuthenticationMethod.METHOD_PROPERTY + "=scram-sha-256)")
    private volatile AuthenticationMethod scram;

    @Activate
    public Md5Method(@Reference SharedCatalog catalog, @Reference Postmaster postmaster) {
        this.catalog = catalog;
        this.postmaster = postmaster;
    }

    @Override
    public String name() {
        return "md5";
    }

    @Override
    public void authenticate(AuthExchange exchange, Map<String, String> hbaOptions) throws Exception {
        String user = exchange.userName();
        String stored = StoredPasswords.usableVerifier(catalog, user, Instant.now());
        Passwords.Type type = stored != null ? Passwords.typeOf(stored)
                : "md5".equals(postmaster.settings().value("password_encryption")) ? Passwords.Type.MD5
                : Passwords.Type.SCRAM_SHA_256;
        if (type == Passwords.Type.SCRAM_SHA_256) {
            AuthenticationMethod s = scram;
            if (s == null) {
                throw PgException.fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                        "authentication method \"scram-sha-256\" is not available: its bundle is not installed or not started");
            }
            s.authenticate(exchange, hbaOptions);
            return;
        }
        byte[] salt = new byte[4];
        RANDOM.nextBytes(salt);
        exchange.sendRequest(AUTH_REQ_MD5, salt);
        String response = exchange.receivePassword();
        if (stored == null || type != Passwords.Type.MD5
                || !MessageDigest.isEqual(expected(stored, salt), response.getBytes(StandardCharsets.US_ASCII))) {
            throw StoredPasswords.failed(user);
        }
    }

    /** pg_md5_encrypt(stored hash without "md5", salt): what the client must send for this salt. */
    static byte[] expected(String stored, byte[] salt) throws NoSuchAlgorithmException {
        MessageDigest md = MessageDigest.getInstance("MD5");
        md.update(stored.substring(3).getBytes(StandardCharsets.US_ASCII));
        md.update(salt);
        return ("md5" + HexFormat.of().formatHex(md.digest())).getBytes(StandardCharsets.US_ASCII);
    }
}
