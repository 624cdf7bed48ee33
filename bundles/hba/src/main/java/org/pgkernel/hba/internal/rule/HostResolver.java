package org.pgkernel.hba.internal.rule;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * The DNS lookups host-name lines need (cf. check_hostname(): getnameinfo(NI_NAMEREQD) then
 * getaddrinfo()). Replaceable so tests need no DNS.
 */
public interface HostResolver {

    /** The host name of the address, or null when it has none. */
    String reverse(InetAddress address);

    /** The addresses of the name, empty when it does not resolve. */
    List<InetAddress> forward(String name);

    /** Lookups through the JVM's resolver (and its cache). */
    HostResolver SYSTEM = new HostResolver() {
        @Override
        public String reverse(InetAddress address) {
            try {
                InetAddress fresh = InetAddress.getByAddress(address.getAddress());
                String name = fresh.getCanonicalHostName();
                // the JDK answers the literal when there is no name (NI_NAMEREQD fails)
                return name.equals(fresh.getHostAddress()) ? null : name;
            } catch (UnknownHostException | SecurityException e) {
                return null;
            }
        }

        @Override
        public List<InetAddress> forward(String name) {
            try {
                return List.of(InetAddress.getAllByName(name));
            } catch (UnknownHostException | SecurityException e) {
                return List.of();
            }
        }
    };
}
