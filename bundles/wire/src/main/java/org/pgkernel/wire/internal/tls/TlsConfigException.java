package org.pgkernel.wire.internal.tls;

/**
 * The server's TLS configuration cannot be used: a message and an optional detail worded as
 * be-secure-openssl.c be_tls_init() words them. At server start it becomes FATAL, on a reload
 * a LOG entry (and the previous configuration stays).
 */
public final class TlsConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String detail;

    public TlsConfigException(String message) {
        this(message, null);
    }

    public TlsConfigException(String message, String detail) {
        super(message, null, false, false);
        this.detail = detail;
    }

    /** The DETAIL line, or null. */
    public String detail() {
        return detail;
    }
}
