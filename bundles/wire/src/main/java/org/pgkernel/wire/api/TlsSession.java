package org.pgkernel.wire.api;

import java.security.cert.X509Certificate;

/**
 * What a TLS connection shows of its TLS session once the handshake has completed (cf.
 * libpq-be.h Port's ssl fields and backend_status.h PgBackendSSLStatus). Fixed for the life of
 * the connection.
 *
 * @param version           the protocol, as pg_stat_ssl shows it: "TLSv1.2", "TLSv1.3"
 * @param cipher            the cipher suite by OpenSSL's name ("TLS_AES_256_GCM_SHA384",
 *                          "ECDHE-RSA-AES256-GCM-SHA384"), as pg_stat_ssl shows it
 * @param bits              the strength of the symmetric cipher in bits (pg_stat_ssl.bits)
 * @param serverCertificate the DER encoding of the certificate the server presented, for
 *                          SCRAM's tls-server-end-point channel binding (RFC 5929)
 * @param clientCertificate the client's certificate, verified against ssl_ca_file (and its
 *                          CRLs), or null when the client sent none
 * @param peerDn            the client certificate's subject in RFC 2253 form as OpenSSL prints
 *                          it ({@code CN=alice,O=Example}; what {@code cert} authentication
 *                          with {@code clientname=DN} compares), null without a certificate
 * @param peerCn            the subject's common name, null without a certificate or without a CN
 * @param clientDn          pg_stat_ssl.client_dn: the subject as {@code /CN=alice/O=Example}
 *                          (in the certificate's order), null without a certificate
 * @param clientSerial      pg_stat_ssl.client_serial: the certificate's serial in decimal, or null
 * @param issuerDn          pg_stat_ssl.issuer_dn: the issuer as {@code /CN=…}, or null
 */
public record TlsSession(String version, String cipher, int bits, byte[] serverCertificate,
                         X509Certificate clientCertificate, String peerDn, String peerCn, String clientDn,
                         String clientSerial, String issuerDn) {

    /** A copy of the server certificate's DER bytes, or null when there is none. */
    @Override
    public byte[] serverCertificate() {
        return serverCertificate == null ? null : serverCertificate.clone();
    }
}
