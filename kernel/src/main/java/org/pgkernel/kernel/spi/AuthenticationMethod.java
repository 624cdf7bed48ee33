package org.pgkernel.kernel.spi;

import java.util.Map;

/**
 * An authentication method, registered as a service with the property
 * {@code pgkernel.auth.method} = the pg_hba.conf method name ("scram-sha-256", "md5",
 * "password", "cert", "peer" …). An hba line whose method has no registered service fails
 * closed with FATAL 28000, never falls back to another method.
 */
public interface AuthenticationMethod {

    /** The service property that names the method. */
    String METHOD_PROPERTY = "pgkernel.auth.method";

    /** The hba method name. */
    String name();

    /**
     * Runs the exchange. Returns normally when the client is authenticated as
     * {@code exchange.userName()}; throws a FATAL PgException (28P01/28000) otherwise.
     */
    void authenticate(AuthExchange exchange, Map<String, String> hbaOptions) throws Exception;

    /** The backend's side of an authentication exchange. */
    interface AuthExchange {
        String userName();

        String databaseName();

        /** Sends AuthenticationRequest of the given code (3 cleartext, 5 md5, 10 SASL …) with its payload and flushes. */
        void sendRequest(int code, byte[] payload);

        /** Waits for the client's next 'p' message and returns its body; FATAL 08P01 on anything else. */
        byte[] receiveResponse();

        /**
         * recv_password_packet(): waits for a PasswordMessage whose body is one NUL-terminated
         * string and returns it. FATAL 08P01 "invalid password packet size" for any other
         * shape, FATAL 28P01 "empty password returned by client" for an empty one.
         */
        default String receivePassword() {
            byte[] body = receiveResponse();
            int nul = 0;
            while (nul < body.length && body[nul] != 0) nul++;
            if (nul != body.length - 1) {
                throw org.pgkernel.kernel.api.PgException.fatal(org.pgkernel.kernel.api.SqlState.PROTOCOL_VIOLATION,
                        "invalid password packet size");
            }
            if (nul == 0) {
                throw org.pgkernel.kernel.api.PgException.fatal(org.pgkernel.kernel.api.SqlState.INVALID_PASSWORD,
                        "empty password returned by client");
            }
            return new String(body, 0, nul, java.nio.charset.StandardCharsets.UTF_8);
        }

        boolean isSsl();

        /** The DER bytes of the server certificate (tls-server-end-point), null without TLS. */
        byte[] serverCertificate();

        /**
         * The verified client certificate's subject in RFC 2253 form as OpenSSL prints it
         * ({@code CN=alice,O=Example}: last RDN first, OpenSSL's short attribute names; what
         * PostgreSQL's {@code clientname=DN} compares), null without a client certificate.
         */
        String clientCertificateDn();

        /**
         * The verified client certificate's common name (the subject's first CN), what the
         * {@code cert} method and {@code clientcert=verify-full} compare with the user name by
         * default; null without a client certificate or when it has no CN.
         */
        default String clientCertificateCn() {
            return null;
        }

        /**
         * The operating-system user name of the process at the other end of a Unix-domain
         * socket, from the socket's peer credentials (SO_PEERCRED; cf. getpeereid()), what the
         * {@code peer} method maps to the database user; null over TCP or when the credentials
         * cannot be read.
         */
        default String peerUserName() {
            return null;
        }
    }
}
