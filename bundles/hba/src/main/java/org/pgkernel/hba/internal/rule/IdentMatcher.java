package org.pgkernel.hba.internal.rule;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import org.pgkernel.hba.api.RoleOracle;
import org.pgkernel.hba.internal.file.AuthToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Decides whether a system user may act as a database role under a user map (cf. check_usermap(), check_ident_usermap()). */
public final class IdentMatcher {
    private static final Logger LOG = LoggerFactory.getLogger(IdentMatcher.class);

    private IdentMatcher() {
    }

    public static boolean matches(List<IdentLine> lines, String mapName, String pgUser, String systemUser,
                                  RoleOracle roles, boolean caseInsensitive) {
        if (mapName == null || mapName.isEmpty()) {
            boolean same = caseInsensitive
                    ? pgUser.toLowerCase(Locale.ROOT).equals(systemUser.toLowerCase(Locale.ROOT))
                    : pgUser.equals(systemUser);
            if (!same) {
                LOG.info("provided user name ({}) and authenticated user name ({}) do not match", pgUser, systemUser);
            }
            return same;
        }
        for (IdentLine line : lines) {
            if (!line.mapName().equals(mapName)) {
                continue;
            }
            int r = check(line, pgUser, systemUser, roles, caseInsensitive);
            if (r > 0) {
                return true;
            }
            if (r < 0) {
                return false;
            }
        }
        LOG.info("no match in usermap \"{}\" for user \"{}\" authenticated as \"{}\"", mapName, pgUser, systemUser);
        return false;
    }

    /** 1 found, 0 not this line, -1 error (logged). */
    private static int check(IdentLine line, String pgUser, String systemUser, RoleOracle roles, boolean caseInsensitive) {
        AuthToken sys = line.systemUser();
        AuthToken pg = line.pgUser();
        if (sys.hasRegex()) {
            Matcher m = sys.regex().matcher(systemUser);
            if (!m.find()) {
                return 0;
            }
            AuthToken expanded = pg;
            int ofs = pg.string().indexOf("\\1");
            if (!pg.isMemberCheck() && !pg.hasRegex() && ofs >= 0) {
                String group = m.groupCount() >= 1 ? m.group(1) : null;
                if (group == null) {
                    LOG.info("regular expression \"{}\" has no subexpressions as requested by backreference in \"{}\"",
                            sys.string().substring(1), pg.string());
                    return -1;
                }
                // quoted, so the result is compared literally, never as "all" or "+group"
                expanded = AuthToken.of(pg.string().substring(0, ofs) + group + pg.string().substring(ofs + 2), true);
            }
            return HbaMatcher.checkRole(pgUser, roles, List.of(expanded), caseInsensitive) ? 1 : 0;
        }
        boolean sysMatches = caseInsensitive
                ? sys.string().toLowerCase(Locale.ROOT).equals(systemUser.toLowerCase(Locale.ROOT))
                : sys.string().equals(systemUser);
        if (!sysMatches) {
            return 0;
        }
        return HbaMatcher.checkRole(pgUser, roles, List.of(pg), caseInsensitive) ? 1 : 0;
    }
}
