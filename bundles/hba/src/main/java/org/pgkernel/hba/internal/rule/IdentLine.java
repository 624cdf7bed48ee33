package org.pgkernel.hba.internal.rule;

import org.pgkernel.hba.internal.file.AuthToken;

/** One parsed pg_ident.conf line (cf. IdentLine in hba.h); regexes compiled. */
public record IdentLine(String fileName, int lineNumber, String mapName, AuthToken systemUser, AuthToken pgUser) {
}
