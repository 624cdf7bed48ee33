package org.pgkernel.hba.internal.rule;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import org.pgkernel.hba.api.ConnectionRequest;
import org.pgkernel.hba.api.ConnectionType;
import org.pgkernel.hba.api.HbaMatch;
import org.pgkernel.hba.api.RoleOracle;
import org.pgkernel.hba.api.Transport;
import org.pgkernel.hba.internal.file.AuthToken;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.SqlState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First-match-wins search of the loaded pg_hba.conf lines (cf. check_hba(), check_db(),
 * check_role(), check_hostname()). Stateless between calls: the per-connection host name
 * lookup result lives in a {@link Lookup} made for each call.
 */
public final class HbaMatcher {
    private static final Logger LOG = LoggerFactory.getLogger(HbaMatcher.class);

    private final HostResolver resolver;
    private final LocalInterfaces interfaces;

    public HbaMatcher(HostResolver resolver, LocalInterfaces interfaces) {
        this.resolver = resolver;
        this.interfaces = interfaces;
    }

    /** The matching line, or FATAL 28000 as ClientAuthentication() reports uaImplicitReject. */
    public HbaMatch match(List<HbaLine> lines, ConnectionRequest req) {
        HbaLine hit = find(lines, req);
        if (hit == null) {
            throw noMatch(req);
        }
        return new HbaMatch(hit.fileName(), hit.lineNumber(), hit.type(), hit.method(), hit.options(), hit.rawLine());
    }

    /** The first matching line, or null. */
    public HbaLine find(List<HbaLine> lines, ConnectionRequest req) {
        Lookup lookup = new Lookup(req.remoteHostName());
        for (HbaLine hba : lines) {
            if (hba.type() == ConnectionType.LOCAL) {
                if (req.transport() != Transport.UNIX) {
                    continue;
                }
            } else {
                if (req.transport() == Transport.UNIX) {
                    continue;
                }
                if (req.ssl() ? hba.type() == ConnectionType.HOSTNOSSL : hba.type() == ConnectionType.HOSTSSL) {
                    continue;
                }
                if (req.gssEncrypted() ? hba.type() == ConnectionType.HOSTNOGSSENC : hba.type() == ConnectionType.HOSTGSSENC) {
                    continue;
                }
                if (!checkAddress(hba, req.remoteAddress(), lookup)) {
                    continue;
                }
            }
            if (!checkDb(req, hba.databases())) {
                continue;
            }
            if (!checkRole(req.user(), req.roles(), hba.roles(), false)) {
                continue;
            }
            return hba;
        }
        return null;
    }

    public static PgException noMatch(ConnectionRequest req) {
        String host = req.transport() == Transport.UNIX ? "[local]" : InetText.format(req.remoteAddress());
        String encryption = req.gssEncrypted() ? "GSS encryption" : req.ssl() ? "SSL encryption" : "no encryption";
        if (req.replication()) {
            return PgException.fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "no pg_hba.conf entry for replication connection from host \"%s\", user \"%s\", %s",
                    host, req.user(), encryption);
        }
        return PgException.fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                "no pg_hba.conf entry for host \"%s\", user \"%s\", database \"%s\", %s",
                host, req.user(), req.database(), encryption);
    }

    private boolean checkAddress(HbaLine hba, InetAddress client, Lookup lookup) {
        byte[] raddr = client.getAddress();
        return switch (hba.ipCompare()) {
            case ALL -> true;
            case MASK -> hba.hostname() != null
                    ? checkHostname(client, hba.hostname(), lookup)
                    : InetText.inRange(raddr, hba.address(), hba.mask());
            case SAMEHOST, SAMENET -> {
                for (LocalInterfaces.Address ia : interfaces.addresses()) {
                    int bits = hba.ipCompare() == HbaLine.IpCompare.SAMEHOST ? ia.address().length * 8 : ia.prefixLength();
                    if (InetText.inRange(raddr, ia.address(), InetText.cidrMask(bits, ia.address().length))) {
                        yield true;
                    }
                }
                yield false;
            }
        };
    }

    /** The result of the reverse and forward lookups for one connection (port->remote_hostname_resolv). */
    private static final class Lookup {
        String remoteHostname;
        /** +1 forward matches, 0 not checked, -1 forward does not match, -2 lookup failed. */
        int resolv;

        Lookup(String known) {
            this.remoteHostname = known;
        }
    }

    /** cf. hostname_match(): exact or, with a leading dot, suffix; both case-insensitive. */
    static boolean hostnameMatch(String pattern, String actual) {
        if (pattern.startsWith(".")) {
            return actual.length() >= pattern.length()
                    && actual.regionMatches(true, actual.length() - pattern.length(), pattern, 0, pattern.length());
        }
        return pattern.equalsIgnoreCase(actual);
    }

    private boolean checkHostname(InetAddress client, String hostname, Lookup lookup) {
        if (lookup.resolv < 0) {
            return false;
        }
        if (lookup.remoteHostname == null) {
            String name = resolver.reverse(client);
            if (name == null) {
                lookup.resolv = -2;
                return false;
            }
            lookup.remoteHostname = name;
        }
        if (!hostnameMatch(hostname, lookup.remoteHostname)) {
            return false;
        }
        if (lookup.resolv == 1) {
            return true;
        }
        List<InetAddress> forward = resolver.forward(lookup.remoteHostname);
        if (forward.isEmpty()) {
            lookup.resolv = -2;
            return false;
        }
        boolean found = false;
        for (InetAddress a : forward) {
            if (java.util.Arrays.equals(a.getAddress(), client.getAddress())) {
                found = true;
                break;
            }
        }
        if (!found) {
            LOG.trace("pg_hba.conf host name \"{}\" rejected because address resolution did not return a match with IP address of client",
                    hostname);
        }
        lookup.resolv = found ? 1 : -1;
        return found;
    }

    /** cf. check_db(): a physical replication connection matches only the replication keyword. */
    static boolean checkDb(ConnectionRequest req, List<AuthToken> tokens) {
        String db = req.database();
        for (AuthToken tok : tokens) {
            if (req.replication()) {
                if (tok.isKeyword("replication")) {
                    return true;
                }
            } else if (tok.isKeyword("all")) {
                return true;
            } else if (tok.isKeyword("sameuser")) {
                if (db.equals(req.user())) {
                    return true;
                }
            } else if (tok.isKeyword("samegroup") || tok.isKeyword("samerole")) {
                if (req.roles().isMemberOf(req.user(), db)) {
                    return true;
                }
            } else if (tok.isKeyword("replication")) {
                continue;
            } else if (tok.hasRegex()) {
                if (tok.regex().matcher(db).find()) {
                    return true;
                }
            } else if (tok.string().equals(db)) {
                return true;
            }
        }
        return false;
    }

    /** cf. check_role(): +group membership, all, regex, then the name itself. */
    static boolean checkRole(String role, RoleOracle roles, List<AuthToken> tokens, boolean caseInsensitive) {
        for (AuthToken tok : tokens) {
            if (tok.isMemberCheck()) {
                if (roles.isMemberOf(role, tok.string().substring(1))) {
                    return true;
                }
            } else if (tok.isKeyword("all")) {
                return true;
            } else if (tok.hasRegex()) {
                if (tok.regex().matcher(role).find()) {
                    return true;
                }
            } else if (caseInsensitive) {
                if (tok.string().toLowerCase(Locale.ROOT).equals(role.toLowerCase(Locale.ROOT))) {
                    return true;
                }
            } else if (tok.string().equals(role)) {
                return true;
            }
        }
        return false;
    }
}
