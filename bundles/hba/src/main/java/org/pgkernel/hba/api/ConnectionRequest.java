package org.pgkernel.hba.api;

import java.net.InetAddress;
import java.util.Objects;

/**
 * What pg_hba.conf matching looks at for one connection attempt (cf. hbaPort in libpq-be.h).
 *
 * @param transport      Unix-domain socket or TCP; must not be null
 * @param ssl            whether the connection uses SSL (only for TCP)
 * @param gssEncrypted   whether the connection uses GSSAPI encryption (only for TCP)
 * @param remoteAddress  the client's address; null exactly when {@code transport} is UNIX
 * @param remoteHostName the client's host name if the caller already resolved it (e.g. for
 *                       log_hostname), else null: the hba bundle then does the reverse and
 *                       forward DNS lookups itself, only when a line names a host
 * @param database       the database name from the startup packet (for a physical replication
 *                       connection the empty string); must not be null
 * @param user           the user name from the startup packet; must not be null
 * @param replication    true for a physical replication connection ({@code replication=true});
 *                       such a connection only matches lines whose database list has the
 *                       {@code replication} keyword. A logical one ({@code replication=database})
 *                       passes false and its database.
 * @param roles          the catalog oracle for {@code +group}, {@code samerole}; null means
 *                       {@link RoleOracle#NONE}
 */
public record ConnectionRequest(Transport transport, boolean ssl, boolean gssEncrypted,
                                InetAddress remoteAddress, String remoteHostName,
                                String database, String user, boolean replication,
                                RoleOracle roles) {

    public ConnectionRequest {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(user, "user");
        if (transport == Transport.UNIX) {
            if (remoteAddress != null || ssl || gssEncrypted) {
                throw new IllegalArgumentException("a Unix-socket connection has no address and no encryption");
            }
        } else if (remoteAddress == null) {
            throw new IllegalArgumentException("a TCP connection needs the remote address");
        }
        if (ssl && gssEncrypted) {
            throw new IllegalArgumentException("a connection is not both SSL- and GSS-encrypted");
        }
        if (roles == null) {
            roles = RoleOracle.NONE;
        }
    }

    /** An unencrypted Unix-socket connection. */
    public static ConnectionRequest local(String database, String user) {
        return new ConnectionRequest(Transport.UNIX, false, false, null, null, database, user, false, null);
    }

    /** An unencrypted TCP connection from {@code address}. */
    public static ConnectionRequest tcp(InetAddress address, String database, String user) {
        return new ConnectionRequest(Transport.TCP, false, false, address, null, database, user, false, null);
    }

    public ConnectionRequest withSsl(boolean on) {
        return new ConnectionRequest(transport, on, gssEncrypted, remoteAddress, remoteHostName, database, user, replication, roles);
    }

    public ConnectionRequest withGssEncryption(boolean on) {
        return new ConnectionRequest(transport, ssl, on, remoteAddress, remoteHostName, database, user, replication, roles);
    }

    public ConnectionRequest withRemoteHostName(String name) {
        return new ConnectionRequest(transport, ssl, gssEncrypted, remoteAddress, name, database, user, replication, roles);
    }

    public ConnectionRequest withReplication(boolean on) {
        return new ConnectionRequest(transport, ssl, gssEncrypted, remoteAddress, remoteHostName, database, user, on, roles);
    }

    public ConnectionRequest withRoles(RoleOracle oracle) {
        return new ConnectionRequest(transport, ssl, gssEncrypted, remoteAddress, remoteHostName, database, user, replication, oracle);
    }
}
