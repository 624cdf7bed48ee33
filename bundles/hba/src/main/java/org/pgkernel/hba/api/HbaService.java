package org.pgkernel.hba.api;

import java.util.List;
import java.util.function.Predicate;

/**
 * pg_hba.conf and pg_ident.conf (cf. hba.c), registered by the hba bundle once both files
 * loaded. Thread-safe: the loaded rules are an immutable snapshot that {@link #reload()}
 * swaps atomically, so a connection sees either the old or the new file, never a mix.
 */
public interface HbaService {

    /**
     * The first line of the loaded pg_hba.conf that matches the request (check_hba()).
     * Does DNS lookups only when a line names a host name and the request has none.
     *
     * @throws org.pgkernel.kernel.api.PgException FATAL 28000 when no line matches:
     *         {@code no pg_hba.conf entry for host "1.2.3.4", user "u", database "d", no encryption}
     *         ("SSL encryption", "GSS encryption"; host {@code "[local]"} for Unix sockets), or for a
     *         physical replication connection
     *         {@code no pg_hba.conf entry for replication connection from host "…", user "…", …}
     */
    HbaMatch match(ConnectionRequest request);

    /**
     * Re-reads pg_hba.conf and pg_ident.conf (SIGHUP). A file with any error is logged line by
     * line and leaves that file's old rules in place ("pg_hba.conf was not reloaded").
     *
     * @return true when both files were loaded
     */
    boolean reload();

    /**
     * pg_hba_file_rules, read from the file as it is now (not the loaded snapshot), with every
     * method counted as available.
     */
    List<HbaRuleRow> rules();

    /**
     * pg_hba_file_rules, read from the file as it is now. A line whose method is not
     * available (no bundle provides it) gets
     * {@code invalid authentication method "x": not supported by this build} in the error column;
     * "trust" and "reject" are always available.
     *
     * @throws org.pgkernel.kernel.api.PgException ERROR 58P01/58030 when pg_hba.conf cannot be opened
     */
    List<HbaRuleRow> rules(Predicate<String> methodAvailable);

    /**
     * pg_ident_file_mappings, read from the file as it is now.
     *
     * @throws org.pgkernel.kernel.api.PgException ERROR 58P01/58030 when pg_ident.conf cannot be opened
     */
    List<IdentRow> identMappings();

    /**
     * Whether the loaded pg_ident.conf lets {@code systemUser} act as {@code pgRole} under map
     * {@code mapName} (check_usermap(), case-sensitive, no group membership). A null or empty
     * map name means the names must be equal.
     */
    boolean identMatches(String mapName, String systemUser, String pgRole);

    /**
     * As {@link #identMatches(String, String, String)}, with {@code +group} entries answered by
     * {@code roles} and, if {@code caseInsensitive}, names compared ignoring case (as gss/sspi do).
     * A failure is logged as PostgreSQL logs it ("no match in usermap …").
     */
    boolean identMatches(String mapName, String systemUser, String pgRole, RoleOracle roles,
                         boolean caseInsensitive);
}
