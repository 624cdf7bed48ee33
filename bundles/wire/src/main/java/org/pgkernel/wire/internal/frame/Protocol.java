package org.pgkernel.wire.internal.frame;

/**
 * The numbers of protocol v3 that framing depends on, named as PostgreSQL names them
 * (pqcomm.h, libpq.h). Every limit the decoders enforce is here.
 */
public final class Protocol {
    private Protocol() { }

    /** Protocol 3.0 as a StartupMessage carries it: major &lt;&lt; 16 | minor. */
    public static final int PG_PROTOCOL_LATEST = 3 << 16;

    /** CancelRequest's code 1234.5678 (pqcomm.h CANCEL_REQUEST_CODE). */
    public static final int CANCEL_REQUEST_CODE = (1234 << 16) | 5678;

    /** SSLRequest's code 1234.5679 (NEGOTIATE_SSL_CODE). */
    public static final int NEGOTIATE_SSL_CODE = (1234 << 16) | 5679;

    /** GSSENCRequest's code 1234.5680 (NEGOTIATE_GSS_CODE). */
    public static final int NEGOTIATE_GSS_CODE = (1234 << 16) | 5680;

    /**
     * Largest startup-phase packet body, counted without its length word: a packet whose
     * length word minus 4 is below 4 or above this is dropped without an answer
     * (pqcomm.h MAX_STARTUP_PACKET_LENGTH; postmaster.c ProcessStartupPacket()). So the
     * length word itself ranges over 8..10004.
     */
    public static final int MAX_STARTUP_PACKET_LENGTH = 10000;

    /** Length word of a CancelRequest: length, code, pid, key. */
    public static final int CANCEL_REQUEST_LENGTH = 16;

    /**
     * Largest length word of a message that is never large (C D E H S X c f); cf. libpq.h
     * PQ_SMALL_MESSAGE_LIMIT and postgres.c SocketBackend().
     */
    public static final int PQ_SMALL_MESSAGE_LIMIT = 10000;

    /** Largest length word of Q P B F d p: MaxAllocSize - 1 (libpq.h PQ_LARGE_MESSAGE_LIMIT). */
    public static final int PQ_LARGE_MESSAGE_LIMIT = 0x3fffffff - 1;

    /**
     * The length limit of a frontend message type, or -1 when the type is not one a
     * frontend may send after the startup packet (cf. SocketBackend()).
     */
    public static int messageLimit(int type) {
        return switch (type) {
            case 'Q', 'P', 'B', 'F', 'd', 'p' -> PQ_LARGE_MESSAGE_LIMIT;
            case 'E', 'D', 'C', 'H', 'S', 'X', 'c', 'f' -> PQ_SMALL_MESSAGE_LIMIT;
            default -> -1;
        };
    }
}
