package org.pgkernel.hba.internal.rule;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * Numeric IP addresses as pg_hba.conf writes them: parsing without any name lookup
 * (getaddrinfo() with AI_NUMERICHOST) and printing as getnameinfo(NI_NUMERICHOST) does,
 * i.e. IPv6 in the shortest form ({@code ::1}, {@code ffff:ffff::}).
 */
public final class InetText {
    private InetText() {
    }

    /**
     * The address bytes (4 or 16) of a numeric literal, or null when it is not one. An IPv6
     * zone ({@code %eth0}) is accepted and ignored.
     */
    public static byte[] parse(String text) {
        if (text.isEmpty()) {
            return null;
        }
        String s = text;
        int pct = s.indexOf('%');
        if (pct >= 0 && s.indexOf(':') >= 0) {
            s = s.substring(0, pct);
        }
        try {
            return InetAddress.ofLiteral(s).getAddress();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A CIDR mask of {@code bits} ones for an address of {@code length} bytes (cf. pg_sockaddr_cidr_mask()). */
    public static byte[] cidrMask(int bits, int length) {
        byte[] mask = new byte[length];
        for (int i = 0; i < length; i++) {
            int b = Math.min(8, Math.max(0, bits - 8 * i));
            mask[i] = (byte) (b == 0 ? 0 : (0xff << (8 - b)) & 0xff);
        }
        return mask;
    }

    /** The mask length from the text after the slash, or -1 when it is not a valid one for the family. */
    public static int parseMaskBits(String text, int length) {
        String s = text.strip();
        if (text.isEmpty() || s.isEmpty()) {
            return -1;
        }
        long bits;
        try {
            bits = Long.parseLong(s.startsWith("+") ? s.substring(1) : s);
        } catch (NumberFormatException e) {
            return -1;
        }
        if (bits < 0 || bits > 8L * length) {
            return -1;
        }
        return (int) bits;
    }

    public static String format(InetAddress address) {
        return format(address.getAddress());
    }

    public static String format(byte[] a) {
        if (a.length == 4) {
            return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + "." + (a[3] & 0xff);
        }
        int[] w = new int[8];
        for (int i = 0; i < 8; i++) {
            w[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
        }
        // the longest run of at least two zero words is written as "::" (first one on a tie)
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (w[i] == 0) {
                int j = i;
                while (j < 8 && w[j] == 0) {
                    j++;
                }
                if (j - i > bestLen) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestLen < 2) {
            bestStart = -1;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (i > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            // embedded IPv4 as inet_ntop writes it: ::a.b.c.d and ::ffff:a.b.c.d
            if (i == 6 && bestStart == 0 && (bestLen == 6 || (bestLen == 5 && w[5] == 0xffff))) {
                sb.append(a[12] & 0xff).append('.').append(a[13] & 0xff).append('.')
                        .append(a[14] & 0xff).append('.').append(a[15] & 0xff);
                break;
            }
            sb.append(Integer.toHexString(w[i]));
        }
        return sb.toString();
    }

    /** Whether {@code client} lies in {@code addr}/{@code mask}; different families never match (cf. check_ip()). */
    public static boolean inRange(byte[] client, byte[] addr, byte[] mask) {
        if (client.length != addr.length || mask.length != addr.length) {
            return false;
        }
        for (int i = 0; i < addr.length; i++) {
            if (((client[i] ^ addr[i]) & mask[i]) != 0) {
                return false;
            }
        }
        return true;
    }

    public static boolean isIpv4(InetAddress a) {
        return a instanceof Inet4Address;
    }
}
