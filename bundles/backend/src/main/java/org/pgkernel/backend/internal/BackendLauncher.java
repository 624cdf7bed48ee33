package org.pgkernel.backend.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.pgkernel.catalog.api.SharedCatalog;
import org.pgkernel.hba.api.HbaService;
import org.pgkernel.kernel.api.BackendType;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.Postmaster;
import org.pgkernel.kernel.spi.AuthenticationMethod;
import org.pgkernel.sql.api.SqlEngine;
import org.pgkernel.wire.api.ConnectionHandler;
import org.pgkernel.wire.api.FrontendConnection;
import org.pgkernel.wire.api.StartupPacket;

/**
 * Receives connections whose startup packet arrived and forks (launches) a client backend
 * process for each, as postmaster.c's BackendStartup() does. Authentication methods are
 * tracked dynamically: a method bundle may come and go while the server runs.
 */
@Component(service = ConnectionHandler.class)
public final class BackendLauncher implements ConnectionHandler {

    @Reference
    private Postmaster postmaster;

    @Reference
    private SqlEngine sqlEngine;

    @Reference
    private HbaService hba;

    /** Roles, memberships and databases: who may connect where (mandatory, as pg_authid is). */
    @Reference
    private SharedCatalog catalog;

    private final Map<String, AuthenticationMethod> methods = new ConcurrentHashMap<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addMethod(AuthenticationMethod m) { methods.put(m.name(), m); }

    void removeMethod(AuthenticationMethod m) { methods.remove(m.name(), m); }

    @Override
    public void startup(FrontendConnection connection, StartupPacket packet) {
        try {
            postmaster.launch(BackendType.CLIENT_BACKEND, "postgres: starting",
                    self -> new PostgresMain(postmaster, catalog, sqlEngine, hba, methods, connection, packet, self).run());
        } catch (PgException e) {
            // no process was made: answer from here, as a dead-end child would (cf. BackendStartup())
            connection.writer().errorResponse(PostgresMain.fields(e));
            connection.close();
        }
    }
}
