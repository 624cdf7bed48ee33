package org.pgkernel.wire.api;

import java.util.Map;

/**
 * A StartupMessage: the protocol version (major &lt;&lt; 16 | minor) and the parameters in the
 * order the client sent them (user, database, options, application_name, _pq_.* …).
 */
public record StartupPacket(int protocolVersion, Map<String, String> parameters) {
    public int major() { return protocolVersion >>> 16; }
    public int minor() { return protocolVersion & 0xFFFF; }
}
