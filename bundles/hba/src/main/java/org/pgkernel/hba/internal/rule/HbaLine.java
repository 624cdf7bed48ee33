package org.pgkernel.hba.internal.rule;

import java.util.List;
import java.util.Map;
import org.pgkernel.hba.api.ConnectionType;
import org.pgkernel.hba.internal.file.AuthToken;

/**
 * One parsed pg_hba.conf line (cf. HbaLine in hba.h). Immutable: byte arrays are never
 * handed out or changed after parsing.
 *
 * @param databases      database tokens, regexes compiled
 * @param roles          user tokens, regexes compiled
 * @param ipCompare      how the address is compared; null for {@code local}
 * @param address        numeric address for {@link IpCompare#MASK} without host name, else null
 * @param mask           its mask, else null
 * @param hostname       host name (or {@code .suffix}) for {@link IpCompare#MASK}, else null
 * @param method         method name (hba_authname())
 * @param options        options as written, in order, the last of a repeated name winning;
 *                       plus clientcert=verify-full implied by {@code cert}
 * @param viewOptions    options as pg_hba_file_rules lists them
 * @param warning        an error that does not drop the line (e.g. hostssl while SSL is off):
 *                       such a line loads but shows the error in pg_hba_file_rules
 */
public record HbaLine(String fileName, int lineNumber, String rawLine, ConnectionType type,
                      List<AuthToken> databases, List<AuthToken> roles, IpCompare ipCompare,
                      byte[] address, byte[] mask, String hostname, String method,
                      Map<String, String> options, List<String> viewOptions, String warning) {

    /** cf. IPCompareMethod. */
    public enum IpCompare { MASK, ALL, SAMEHOST, SAMENET }

    /** pg_hba_file_rules.address. */
    public String addressText() {
        if (ipCompare == null) {
            return null;
        }
        return switch (ipCompare) {
            case ALL -> "all";
            case SAMEHOST -> "samehost";
            case SAMENET -> "samenet";
            case MASK -> hostname != null ? hostname : InetText.format(address);
        };
    }

    /** pg_hba_file_rules.netmask. */
    public String maskText() {
        return ipCompare == IpCompare.MASK && hostname == null ? InetText.format(mask) : null;
    }
}
