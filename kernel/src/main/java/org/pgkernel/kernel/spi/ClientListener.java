package org.pgkernel.kernel.spi;

import java.nio.file.Path;
import java.util.List;
import org.pgkernel.kernel.spi.guc.GucRegistry;

/**
 * The listening sockets, registered as a service by the wire bundle. The postmaster opens
 * them once the server may accept connections and closes them at shutdown, as
 * postmaster.c's ListenSocket[] (the postmaster itself imports no network library).
 */
public interface ClientListener {

    /** What was opened, for postmaster.pid: the first socket directory (or "") and the first listen address (or ""). */
    record Opened(String socketDirectory, String listenAddress, List<String> describe) { }

    /**
     * Opens TCP sockets on listen_addresses:port (IPv4 and IPv6; "*" is every address,
     * "localhost" both loopbacks) and a Unix-domain socket {@code .s.PGSQL.<port>} with its
     * lock file {@code .s.PGSQL.<port>.lock} in each of unix_socket_directories (relative
     * paths resolve against {@code dataDirectory}). Throws a FATAL PgException worded as
     * PostgreSQL ("could not create any TCP/IP sockets", "could not bind IPv4 address …")
     * when nothing could be opened.
     */
    Opened open(GucRegistry settings, Path dataDirectory);

    /** Stops accepting new connections and removes the socket and lock files; sessions go on. */
    void close();
}
