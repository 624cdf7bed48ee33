package org.pgkernel.hba.internal.rule;

import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The machine's interface addresses for samehost and samenet (cf. pg_foreach_ifaddr()). Replaceable for tests. */
public interface LocalInterfaces {

    /** An interface address and its prefix length. */
    record Address(byte[] address, int prefixLength) {
    }

    List<Address> addresses();

    LocalInterfaces SYSTEM = new LocalInterfaces() {
        private static final Logger LOG = LoggerFactory.getLogger(LocalInterfaces.class);

        @Override
        public List<Address> addresses() {
            List<Address> out = new ArrayList<>();
            try {
                for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    for (InterfaceAddress ia : nif.getInterfaceAddresses()) {
                        out.add(new Address(ia.getAddress().getAddress(), ia.getNetworkPrefixLength()));
                    }
                }
            } catch (SocketException e) {
                LOG.info("error enumerating network interfaces: {}", e.getMessage());
            }
            return out;
        }
    };
}
