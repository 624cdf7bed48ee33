package org.pgkernel.catalog.api;

import java.time.Instant;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.SqlState;

/**
 * What every password-based authentication method does first and last (cf. crypt.c
 * get_role_password() and auth.c's auth_failed()): find the verifier a role may log in with
 * now, and fail in the one way that does not let a client tell a missing role from a wrong
 * password.
 */
public final class StoredPasswords {
    private StoredPasswords() { }

    /**
     * The role's stored verifier, or null when there is none usable: the role does not
     * exist, has no password, or its VALID UNTIL has passed. The caller still runs its
     * exchange to the end (a mock one where needed) before failing with {@link #failed}.
     */
    public static String usableVerifier(SharedCatalog catalog, String user, Instant now) {
        Role role = catalog.role(user).orElse(null);
        if (role == null || role.password() == null || role.password().isEmpty()) return null;
        if (role.expiredAt(now)) return null;
        return role.password();
    }

    /** FATAL 28P01 "password authentication failed for user …", for every reason alike. */
    public static PgException failed(String user) {
        return PgException.fatal(SqlState.INVALID_PASSWORD, "password authentication failed for user \"%s\"", user);
    }
}
