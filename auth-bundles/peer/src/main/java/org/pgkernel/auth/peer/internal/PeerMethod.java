package org.pgkernel.auth.peer.internal;

import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.pgkernel.catalog.api.SharedCatalog;
import org.pgkernel.hba.api.HbaService;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.SqlState;
import org.pgkernel.kernel.spi.AuthenticationMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * pg_hba method {@code peer} (cf. auth.c auth_peer()): the operating system tells who is at
 * the other end of the Unix-domain socket (SO_PEERCRED, read by the wire bundle), and that OS
 * user name must be the database user, or map to it through pg_ident.conf with {@code map=}.
 * Nothing is exchanged with the client.
 *
 * <p>Only {@code local} lines name this method (the hba bundle refuses it elsewhere: "peer
 * authentication is only supported on local sockets"; {@code ident} on a local line is read as
 * {@code peer}). The client only learns FATAL 28000 {@code Peer authentication failed for user
 * "…"}; why is logged: "could not get peer credentials", or the user map's own message (without
 * a map, "provided user name (…) and authenticated user name (…) do not match").
 */
@Component(service = AuthenticationMethod.class, property = AuthenticationMethod.METHOD_PROPERTY + "=peer")
public final class PeerMethod implements AuthenticationMethod {
    private static final Logger LOG = LoggerFactory.getLogger(PeerMethod.class);

    private final HbaService hba;
    private final SharedCatalog catalog;

    @Activate
    public PeerMethod(@Reference HbaService hba, @Reference SharedCatalog catalog) {
        this.hba = hba;
        this.catalog = catalog;
    }

    @Override
    public String name() {
        return "peer";
    }

    @Override
    public void authenticate(AuthExchange exchange, Map<String, String> hbaOptions) {
        String user = exchange.userName();
        String osUser = exchange.peerUserName();
        if (osUser == null || osUser.isEmpty()) {
            LOG.info("could not get peer credentials: the connection is not a Unix-domain socket or the platform does not tell");
            throw failed(user);
        }
        if (!hba.identMatches(hbaOptions.get("map"), osUser, user, catalog::isMemberOf, false)) {
            throw failed(user); // the user map has logged why
        }
    }

    /** auth_failed() for uaPeer. */
    static PgException failed(String user) {
        return PgException.fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, "Peer authentication failed for user \"%s\"", user);
    }
}
