package org.pgkernel.hba.api;

/**
 * How a client reached the server: a Unix-domain socket (matched by {@code local} lines and
 * shown as host {@code "[local]"}) or TCP/IP (matched by the {@code host*} lines).
 */
public enum Transport {
    /** A Unix-domain socket (AF_UNIX). */
    UNIX,
    /** TCP over IPv4 or IPv6. */
    TCP
}
