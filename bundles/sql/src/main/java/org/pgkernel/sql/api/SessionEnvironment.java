package org.pgkernel.sql.api;

import java.time.Instant;
import org.pgkernel.catalog.api.SharedCatalog;
import org.pgkernel.kernel.api.Postmaster;
import org.pgkernel.kernel.api.ServerProcess;
import org.pgkernel.kernel.spi.guc.GucSession;

/** What a session needs from its backend: the process, its settings, who it is and the shared catalog. */
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

    /** The shared catalog (roles, memberships, databases): pg_authid/pg_roles/pg_database and the DDL that changes them. */
    SharedCatalog catalog();

    /**
     * pg_hba_file_rules: pg_hba.conf as it is now, with the error column filled for lines that
     * cannot be used, a method whose bundle is not running included. Empty where there is no
     * hba service (tests).
     */
    default java.util.List<org.pgkernel.hba.api.HbaRuleRow> hbaFileRules() {
        return java.util.List.of();
    }
}
