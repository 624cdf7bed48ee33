package org.pgkernel.hba.internal.rule;

import java.util.Set;

/** The authentication method names pg_hba.conf knows (cf. UserAuthName[] in hba.c). */
public final class AuthMethods {
    private AuthMethods() {
    }

    /** Every name PostgreSQL 16 accepts in the method field. */
    public static final Set<String> KNOWN = Set.of("trust", "reject", "ident", "peer", "password", "md5",
            "scram-sha-256", "gss", "sspi", "pam", "bsd", "ldap", "cert", "radius");

    /** Methods the hba bundle itself carries out, so always available. */
    public static final Set<String> BUILT_IN = Set.of("trust", "reject");
}
