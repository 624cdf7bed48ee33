package org.pgkernel.auth.cert.internal;

import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.pgkernel.catalog.api.SharedCatalog;
import org.pgkernel.hba.api.HbaService;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.SqlState;
import org.pgkernel.kernel.spi.AuthenticationMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * pg_hba method {@code cert} (cf. auth.c CheckCertAuth()): the client authenticates with the
 * TLS client certificate it presented in the handshake, which the wire bundle has already
 * verified against ssl_ca_file (and its CRLs). Nothing is exchanged with the client; what is
 * judged is the certificate's name: its common name, or with {@code clientname=DN} its whole
 * subject in RFC 2253 form, must be the user name, or map to it through pg_ident.conf with
 * {@code map=} (regular expressions and {@code +group} included, as the hba bundle answers).
 *
 * <p>Only hostssl lines name this method (the hba bundle refuses it elsewhere: "cert
 * authentication is only supported on hostssl connections"), and such a line implies
 * {@code clientcert=verify-full}, so the backend has already refused a connection without a
 * certificate; the check is repeated here so that the method never passes without one.
 *
 * <p>The client only learns that the certificate did not fit the user (FATAL 28000
 * {@code certificate authentication failed for user "…"}); why is logged: a certificate
 * without the name, or the user-map's own message (a mismatch without a map is "provided user
 * name (…) and authenticated user name (…) do not match").
 */
@Component(service = AuthenticationMethod.class, property = AuthenticationMethod.METHOD_PROPERTY + "=cert")
public final class CertMethod implements AuthenticationMethod {
    private static final Logger LOG = LoggerFactory.getLogger(CertMethod.class);

    private final HbaService hba;
    private final SharedCatalog catalog;

    @Activate
    public CertMethod(@Reference HbaService hba, @Reference SharedCatalog catalog) {
        this.hba = hba;
        this.catalog = catalog;
    }

    @Override
    public String name() {
        return "cert";
    }

    @Override
    public void authenticate(AuthExchange exchange, Map<String, String> hbaOptions) {
        String user = exchange.userName();
        String dn = exchange.isSsl() ? exchange.clientCertificateDn() : null;
        if (dn == null) {
            throw PgException.fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, "connection requires a valid client certificate");
        }
        String name = "DN".equals(hbaOptions.get("clientname")) ? dn : exchange.clientCertificateCn();
        if (name == null || name.isEmpty()) {
            LOG.info("certificate authentication failed for user \"{}\": client certificate contains no user name", user);
            throw failed(user);
        }
        if (!hba.identMatches(hbaOptions.get("map"), name, user, catalog::isMemberOf, false)) {
            throw failed(user); // the user map has logged why
        }
    }

    /** auth_failed() for uaCert. */
    static PgException failed(String user) {
        return PgException.fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                "certificate authentication failed for user \"%s\"", user);
    }
}
