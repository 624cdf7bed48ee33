package org.pgkernel.auth.password.internal;

import java.time.Instant;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.pgkernel.catalog.api.Passwords;
import org.pgkernel.catalog.api.SharedCatalog;
import org.pgkernel.catalog.api.StoredPasswords;
import org.pgkernel.kernel.spi.AuthenticationMethod;

/**
 * pg_hba method {@code password}: the client sends its password in clear
 * (AuthenticationCleartextPassword), which is checked against the stored md5 hash or SCRAM
 * secret (cf. auth.c CheckPasswordAuth() and crypt.c plain_crypt_verify()).
 */
@Component(service = AuthenticationMethod.class, property = AuthenticationMethod.METHOD_PROPERTY + "=password")
public final class PasswordMethod implements AuthenticationMethod {
    /** AuthenticationCleartextPassword. */
    static final int AUTH_REQ_PASSWORD = 3;

    private final SharedCatalog catalog;

    @Activate
    public PasswordMethod(@Reference SharedCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public String name() {
        return "password";
    }

    @Override
    public void authenticate(AuthExchange exchange, Map<String, String> hbaOptions) {
        String user = exchange.userName();
        exchange.sendRequest(AUTH_REQ_PASSWORD, new byte[0]);
        String password = exchange.receivePassword();
        String stored = StoredPasswords.usableVerifier(catalog, user, Instant.now());
        if (stored == null || !Passwords.verifyPlain(user, stored, password)) {
            throw StoredPasswords.failed(user);
        }
    }
}
