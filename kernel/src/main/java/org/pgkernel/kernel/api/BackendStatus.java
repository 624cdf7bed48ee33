package org.pgkernel.kernel.api;

/**
 * A process's own entry in the process array (cf. backend_status.c): what it reports of
 * itself for pg_stat_activity. Written only by the owning process.
 */
public interface BackendStatus {
    /** Session identity, once authenticated. */
    void reportSession(int databaseOid, String database, int userOid, String user,
                       String clientAddr, int clientPort, String applicationName);

    void reportApplicationName(String applicationName);

    /**
     * The session's state ("active", "idle", "idle in transaction", "idle in transaction
     * (aborted)", "fastpath function call", "disabled") and, when active, its query text.
     */
    void reportActivity(String state, String query);

    /** Start of the current transaction, or clears it when {@code active} is false. */
    void reportTransactionStart(boolean active);

    /**
     * The connection's TLS state for pg_stat_ssl, reported once after authentication of a TLS
     * connection (pgstat_bestart()); a connection that never reports it shows ssl = false.
     * {@code clientDn}, {@code clientSerial} (decimal) and {@code issuerDn} are null without a
     * client certificate.
     */
    default void reportSsl(String version, String cipher, int bits, String clientDn, String clientSerial,
                           String issuerDn) {
    }
}
