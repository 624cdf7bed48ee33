package org.pgkernel.kernel.api;

/**
 * One row of pg_stat_ssl as read from the process array (cf. backend_status.h
 * PgBackendSSLStatus): a client backend's TLS state, null columns where PostgreSQL shows NULL
 * (every one but pid and ssl when the connection is not encrypted). Strings are cut to 63
 * bytes, as PostgreSQL's NAMEDATALEN buffers cut them.
 *
 * @param clientSerial the client certificate's serial number in decimal (a numeric column)
 */
public record SslStatus(int pid, boolean ssl, String version, String cipher, Integer bits, String clientDn,
                        String clientSerial, String issuerDn) {
}
