package org.pgkernel.catalog.api;

import java.time.Instant;

/**
 * One row of pg_authid.
 *
 * @param password   the stored verifier exactly as PostgreSQL stores it
 *                   ({@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>},
 *                   {@code md5<32 hex>}), or null when the role has no password
 * @param validUntil rolvaliduntil; null means forever ({@link Instant#MAX} is 'infinity',
 *                   {@link Instant#MIN} '-infinity')
 * @param connLimit  rolconnlimit; -1 means no limit
 */
public record Role(int oid, String name, boolean superuser, boolean inherit, boolean createRole, boolean createDb,
                   boolean login, boolean replication, boolean bypassRls, int connLimit, String password,
                   Instant validUntil) {

    /** A role with PostgreSQL's defaults for CREATE ROLE (NOLOGIN, INHERIT, no password); its OID is assigned on creation. */
    public static Role named(String name) {
        return new Role(0, name, false, true, false, false, false, false, false, -1, null, null);
    }

    public Role withName(String newName) {
        return new Role(oid, newName, superuser, inherit, createRole, createDb, login, replication, bypassRls, connLimit,
                password, validUntil);
    }

    public Role withPassword(String newPassword) {
        return new Role(oid, name, superuser, inherit, createRole, createDb, login, replication, bypassRls, connLimit,
                newPassword, validUntil);
    }

    /** Whether {@code validUntil} lies in the past at {@code now} (the password has expired). */
    public boolean expiredAt(Instant now) {
        return validUntil != null && validUntil.isBefore(now);
    }
}
