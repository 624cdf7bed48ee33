package org.pgkernel.catalog.internal;

import java.io.IOException;
import java.nio.file.Path;
import org.pgkernel.catalog.api.Passwords;

/**
 * initdb's entry into this bundle. initdb runs outside the framework; it loads the
 * distribution's bundles/catalog.jar (and bundles/kernel.jar, for the few kernel types the
 * catalog code names) in a class loader of its own and calls {@link #initdb} by reflection,
 * with JDK types only, so that the first catalog file is written by the same code the
 * server reads it with.
 */
public final class CatalogBootstrap {
    private CatalogBootstrap() { }

    /**
     * Writes DATADIR/global/pg_shared_catalog for a new cluster.
     *
     * @param globalDir  DATADIR/global, which must exist
     * @param superuser  the bootstrap superuser's name (OID 10)
     * @param password   its cleartext password (--pwfile, -W), stored as a SCRAM-SHA-256 secret
     *                   (password_encryption's default), or null for none; an empty one is none,
     *                   as ALTER ROLE … PASSWORD '' clears it
     * @param encoding   the server encoding's name, e.g. "UTF8"
     * @param locale     datcollate and datctype of the three databases, e.g. "C"
     * @param sync       whether to fsync (false for initdb --no-sync)
     */
    public static void initdb(Path globalDir, String superuser, String password, String encoding, String locale,
                              boolean sync) throws IOException {
        String stored = password == null || password.isEmpty() ? null : Passwords.encrypt("scram-sha-256", superuser, password);
        // CatalogFile directly, not GlobalCatalog: initdb has no logging to set up
        CatalogFile.write(globalDir, CatalogState.bootstrap(superuser, stored, encoding, locale), sync);
    }
}
