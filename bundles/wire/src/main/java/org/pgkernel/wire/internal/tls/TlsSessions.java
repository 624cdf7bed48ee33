package org.pgkernel.wire.internal.tls;

import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.pgkernel.wire.api.TlsSession;

/** Reads a completed handshake's session into the wire API's {@link TlsSession}. */
public final class TlsSessions {
    private TlsSessions() { }

    /** The session of the handler's engine; call only after the handshake has completed. */
    public static TlsSession of(SslHandler handler) {
        SSLSession s = handler.engine().getSession();
        String suite = s.getCipherSuite();
        byte[] serverCert = null;
        Certificate[] local = s.getLocalCertificates();
        if (local != null && local.length > 0) {
            try {
                serverCert = local[0].getEncoded();
            } catch (CertificateEncodingException e) {
                serverCert = null;
            }
        }
        X509Certificate client = null;
        try {
            Certificate[] peer = s.getPeerCertificates();
            if (peer.length > 0 && peer[0] instanceof X509Certificate x) client = x;
        } catch (SSLPeerUnverifiedException e) {
            client = null; // the client sent no certificate
        }
        if (client == null) {
            return new TlsSession(s.getProtocol(), CipherList.openSslName(suite), CipherList.bitsOf(suite), serverCert,
                    null, null, null, null, null, null);
        }
        return new TlsSession(s.getProtocol(), CipherList.openSslName(suite), CipherList.bitsOf(suite), serverCert,
                client, DistinguishedNames.rfc2253(client.getSubjectX500Principal()),
                DistinguishedNames.commonName(client.getSubjectX500Principal()),
                DistinguishedNames.slashed(client.getSubjectX500Principal()), client.getSerialNumber().toString(),
                DistinguishedNames.slashed(client.getIssuerX500Principal()));
    }
}
