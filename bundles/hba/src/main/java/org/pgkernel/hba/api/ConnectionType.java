package org.pgkernel.hba.api;

import java.util.Locale;

/**
 * The record type of a pg_hba.conf line (cf. hba.h ConnType). {@link #keyword()} is the word
 * as written in the file and as pg_hba_file_rules.type shows it.
 */
public enum ConnectionType {
    /** Unix-domain socket connections. */
    LOCAL,
    /** TCP/IP connections, encrypted or not. */
    HOST,
    /** TCP/IP connections that use SSL. */
    HOSTSSL,
    /** TCP/IP connections that do not use SSL. */
    HOSTNOSSL,
    /** TCP/IP connections that use GSSAPI encryption. */
    HOSTGSSENC,
    /** TCP/IP connections that do not use GSSAPI encryption. */
    HOSTNOGSSENC;

    /** The keyword as written in pg_hba.conf, e.g. {@code "hostssl"}. */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }
}
