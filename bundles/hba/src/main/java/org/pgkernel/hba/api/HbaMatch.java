package org.pgkernel.hba.api;

import java.util.Map;
import java.util.Objects;

/**
 * The pg_hba.conf line a connection matched (cf. HbaLine): the backend runs
 * {@link #method()} with {@link #options()} through the AuthenticationMethod service of that
 * name, or fails closed with FATAL 28000 when there is none.
 *
 * @param fileName       absolute path of the file the line is in (an included file if so)
 * @param lineNumber     1-based line number in that file (the first line of a continued line)
 * @param connectionType the line's record type
 * @param method         the method name as pg_hba_file_rules.auth_method shows it: "trust",
 *                       "reject", "md5", "scram-sha-256", "password", "cert", "peer", "ident",
 *                       "ldap", "radius", "pam", "gss", "sspi", "bsd" ({@code ident} on a
 *                       {@code local} line is already turned into {@code peer}, as PostgreSQL does)
 * @param options        the line's name=value options in the order written (a repeated name keeps
 *                       its last value), unmodifiable, never null; for {@code cert} the implied
 *                       {@code clientcert=verify-full} is present
 * @param rawLine        the line as written (continuations joined)
 */
public record HbaMatch(String fileName, int lineNumber, ConnectionType connectionType, String method,
                       Map<String, String> options, String rawLine) {

    public HbaMatch {
        Objects.requireNonNull(fileName);
        Objects.requireNonNull(connectionType);
        Objects.requireNonNull(method);
        options = options == null ? Map.of() : options;
        Objects.requireNonNull(rawLine);
    }

    /** The option's value, or null when the line does not set it. */
    public String option(String name) {
        return options.get(name);
    }
}
