package org.pgkernel.sql.api;

import java.time.Instant;
import org.pgkernel.kernel.api.Postmaster;
import org.pgkernel.kernel.api.ServerProcess;
import org.pgkernel.kernel.spi.guc.GucSession;

/** What a session needs from its backend: the process, its settings and who it is. */
public interface SessionEnvironment {
    Postmaster postmaster();

    ServerProcess process();

    GucSession settings();

    String userName();

    String databaseName();

    /** The OID of the session's database (MyDatabaseId), as pg_database has it. */
    int databaseOid();

    /** inet_server_addr(): the local address of the connection, null for a Unix socket. */
    String serverAddress();

    /** inet_server_port(): null for a Unix socket. */
    Integer serverPort();

    Instant sessionStart();
}
