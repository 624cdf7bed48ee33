package org.pgkernel.wire.internal.tls;

import io.netty.channel.Channel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.pgkernel.kernel.api.ErrorSeverity;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.SqlState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's TLS configuration, cf. be-secure-openssl.c be_tls_init() and postmaster.c's
 * handling of it: built from the ssl_* settings at server start (any failure is FATAL and the
 * server does not start) and again on every configuration reload, when a failure is logged at
 * LOG, followed by "SSL configuration was not reloaded", and the previous configuration stays
 * in force. Turning {@code ssl} off drops it. A connection takes the configuration current
 * when it asks ({@link #newHandler}) and keeps it, so a reload never touches an open session.
 *
 * <p>What it builds, in be_tls_init()'s order (which decides which error a bad configuration
 * reports first): the certificate chain of ssl_cert_file; ssl_key_file, after its ownership
 * and mode are checked (check_ssl_key_file()), decrypted with ssl_passphrase_command when it
 * is encrypted; a check that the key belongs to the certificate; the protocol range
 * (ssl_min_protocol_version..ssl_max_protocol_version); ssl_ecdh_curve; ssl_ciphers
 * ({@link CipherList}); ssl_ca_file, whose certificates verify client certificates, which
 * are then asked for (OpenSSL's SSL_VERIFY_PEER without FAIL_IF_NO_PEER_CERT: "want"); and
 * ssl_crl_file / ssl_crl_dir, checked for every certificate of the client's chain
 * (X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL). Relative paths resolve against the
 * data directory, the postmaster's working directory in PostgreSQL; messages name the files as
 * the settings spell them.
 *
 * <p>Every engine negotiates ALPN "postgresql" (PostgreSQL 17): a client that offers ALPN
 * without it gets the fatal "no_application_protocol" alert; one that offers none is served
 * without ALPN, which only direct TLS refuses (see the startup decoder).
 *
 * <p>Concurrency: the configuration is one immutable {@link Loaded} behind an atomic
 * reference, replaced whole by {@link #initialize} and {@link #reload} (the postmaster's
 * thread) and read by the event loop.
 */
public final class ServerTls {
    private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);

    /** The ALPN protocol name of PostgreSQL's wire protocol (PG_ALPN_PROTOCOL). */
    public static final String ALPN_PROTOCOL = "postgresql";
    /** OpenSSL's prompt, what %p in ssl_passphrase_command becomes. */
    static final String PASSPHRASE_PROMPT = "Enter PEM pass phrase:";
    /** The longest a passphrase command may take. */
    static final long PASSPHRASE_COMMAND_TIMEOUT_SECONDS = 60;
    private static final List<String> PROTOCOLS = List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");

    /** One loaded configuration: what every new TLS connection gets. */
    record Loaded(SslContext context, boolean preferServerCiphers, String[] namedGroups) { }

    private final AtomicReference<Loaded> current = new AtomicReference<>();

    /** The configuration in force, null when TLS is off (tests). */
    Loaded loaded() {
        return current.get();
    }

    /** Whether connections are offered TLS now. */
    public boolean enabled() {
        return current.get() != null;
    }

    /**
     * At server start (secure_initialize(true)): loads the configuration when ssl is on.
     *
     * @throws PgException FATAL (F0000) with PostgreSQL's message when it cannot be loaded
     */
    public void initialize(Function<String, String> setting, Path dataDirectory) {
        TlsSettings s = TlsSettings.read(setting, dataDirectory);
        if (!s.enabled()) {
            current.set(null);
            return;
        }
        try {
            current.set(load(s, true));
        } catch (TlsConfigException e) {
            throw new PgException(ErrorSeverity.FATAL, SqlState.CONFIG_FILE_ERROR, e.getMessage(), e.detail(), null, 0,
                    null, null);
        }
    }

    /**
     * On SIGHUP: loads the configuration anew when ssl is on, drops it when off. A failure is
     * logged and changes nothing. Returns whether the new configuration is in force.
     */
    public boolean reload(Function<String, String> setting, Path dataDirectory) {
        TlsSettings s = TlsSettings.read(setting, dataDirectory);
        if (!s.enabled()) {
            current.set(null);
            return true;
        }
        try {
            current.set(load(s, false));
            return true;
        } catch (TlsConfigException e) {
            LOG.info("{}", e.detail() == null ? e.getMessage() : e.getMessage() + "\nDETAIL:  " + e.detail());
            LOG.info("SSL configuration was not reloaded");
            return false;
        }
    }

    /**
     * A TLS handler for a new connection on {@code channel} in server mode, with no handshake
     * timeout of its own (authentication_timeout covers the handshake, as in PostgreSQL), or
     * null when TLS is off.
     */
    public SslHandler newHandler(Channel channel) {
        Loaded l = current.get();
        if (l == null) return null;
        SSLEngine engine = l.context().newEngine(channel.alloc());
        SSLParameters p = engine.getSSLParameters();
        p.setUseCipherSuitesOrder(l.preferServerCiphers());
        if (l.namedGroups() != null) p.setNamedGroups(l.namedGroups());
        engine.setSSLParameters(p);
        // null: the client offered ALPN but not ours, a fatal no_application_protocol alert
        engine.setHandshakeApplicationProtocolSelector(
                (e, offered) -> offered.contains(ALPN_PROTOCOL) ? ALPN_PROTOCOL : null);
        SslHandler handler = new SslHandler(engine);
        handler.setHandshakeTimeoutMillis(0);
        return handler;
    }

    // ------------------------------------------------------------------ be_tls_init()

    static Loaded load(TlsSettings s, boolean serverStart) throws TlsConfigException {
        List<X509Certificate> chain;
        try {
            chain = PemFiles.certificates(s.resolve(s.certFile()));
        } catch (PemFiles.Failure e) {
            throw new TlsConfigException("could not load server certificate file \"" + s.certFile() + "\": "
                    + e.getMessage());
        }

        KeyFileCheck.check(s.resolve(s.keyFile()), s.keyFile(), s.dataDirectory());
        PrivateKey key;
        try {
            key = PemFiles.privateKey(s.resolve(s.keyFile()), () -> passphrase(s, serverStart));
        } catch (PemFiles.Failure e) {
            throw new TlsConfigException("could not load private key file \"" + s.keyFile() + "\": " + e.getMessage());
        }
        checkKeyMatches(key, chain.get(0).getPublicKey());

        List<String> protocols = protocols(s.minProtocol(), s.maxProtocol());
        String[] groups = namedGroups(s.ecdhCurve());
        List<String> ciphers = CipherList.select(s.ciphers(), supportedSuites());

        TrustManagerFactory trust = null;
        if (!s.caFile().isEmpty()) {
            List<X509Certificate> roots;
            try {
                roots = PemFiles.certificates(s.resolve(s.caFile()));
            } catch (PemFiles.Failure e) {
                throw new TlsConfigException("could not load root certificate file \"" + s.caFile() + "\": "
                        + ("no start line".equals(e.getMessage()) ? "no certificate or crl found" : e.getMessage()));
            }
            trust = trustManager(roots, crls(s));
        }

        SslContextBuilder b;
        try {
            b = SslContextBuilder.forServer(key, chain)
                    .sslProvider(SslProvider.JDK)
                    .protocols(protocols)
                    .ciphers(ciphers)
                    .clientAuth(trust == null ? ClientAuth.NONE : ClientAuth.OPTIONAL);
            if (trust != null) b.trustManager(trust);
            return new Loaded(b.build(), s.preferServerCiphers(), groups);
        } catch (javax.net.ssl.SSLException | IllegalArgumentException e) {
            throw new TlsConfigException("could not create SSL context: " + e.getMessage());
        }
    }

    /** The CRLs of ssl_crl_file and ssl_crl_dir, or null when neither is set. */
    private static List<X509CRL> crls(TlsSettings s) throws TlsConfigException {
        if (s.crlFile().isEmpty() && s.crlDir().isEmpty()) return null;
        List<X509CRL> out = new ArrayList<>();
        try {
            if (!s.crlFile().isEmpty()) out.addAll(PemFiles.crls(s.resolve(s.crlFile())));
            if (!s.crlDir().isEmpty()) out.addAll(PemFiles.crlDirectory(s.resolve(s.crlDir())));
        } catch (PemFiles.Failure e) {
            if (!s.crlFile().isEmpty() && !s.crlDir().isEmpty()) {
                throw new TlsConfigException("could not load SSL certificate revocation list file \"" + s.crlFile()
                        + "\" or directory \"" + s.crlDir() + "\": " + e.getMessage());
            }
            if (!s.crlFile().isEmpty()) {
                throw new TlsConfigException("could not load SSL certificate revocation list file \"" + s.crlFile()
                        + "\": " + e.getMessage());
            }
            throw new TlsConfigException("could not load SSL certificate revocation list directory \"" + s.crlDir()
                    + "\": " + e.getMessage());
        }
        return out;
    }

    /**
     * PKIX over the CA file's certificates; with CRLs, every certificate of the client's chain
     * must be covered by one (no OCSP, no fetching: OpenSSL's CRL_CHECK_ALL).
     */
    private static TrustManagerFactory trustManager(List<X509Certificate> roots, List<X509CRL> crls)
            throws TlsConfigException {
        try {
            Set<TrustAnchor> anchors = new HashSet<>();
            for (X509Certificate c : roots) anchors.add(new TrustAnchor(c, null));
            PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, new X509CertSelector());
            if (crls == null) {
                params.setRevocationEnabled(false);
            } else {
                params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls)));
                PKIXRevocationChecker checker =
                        (PKIXRevocationChecker) CertPathValidator.getInstance("PKIX").getRevocationChecker();
                checker.setOptions(EnumSet.of(PKIXRevocationChecker.Option.PREFER_CRLS,
                        PKIXRevocationChecker.Option.NO_FALLBACK));
                params.addCertPathChecker(checker);
                params.setRevocationEnabled(true);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(new CertPathTrustManagerParameters(params));
            return tmf;
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException("could not load root certificate file: " + e.getMessage());
        }
    }

    /** "check of private key failed": the key must be the certificate's (SSL_CTX_check_private_key()). */
    private static void checkKeyMatches(PrivateKey key, PublicKey pub) throws TlsConfigException {
        if (!key.getAlgorithm().equals(pub.getAlgorithm())
                && !(key.getAlgorithm().startsWith("RSA") && pub.getAlgorithm().startsWith("RSA"))) {
            throw new TlsConfigException("check of private key failed: key type mismatch");
        }
        if (key instanceof RSAKey rk && pub instanceof RSAKey rp) {
            if (!rk.getModulus().equals(rp.getModulus())) {
                throw new TlsConfigException("check of private key failed: key values mismatch");
            }
            return;
        }
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "Ed448" -> "Ed448";
            case "DSA" -> "SHA256withDSA";
            default -> null;
        };
        if (algorithm == null) return;
        try {
            byte[] probe = "pgkernel key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] sig = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(pub);
            verifier.update(probe);
            if (!verifier.verify(sig)) {
                throw new TlsConfigException("check of private key failed: key values mismatch");
            }
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException("check of private key failed: key values mismatch");
        }
    }

    /** ssl_min_protocol_version..ssl_max_protocol_version (empty max: no limit) as the JDK names them. */
    static List<String> protocols(String min, String max) throws TlsConfigException {
        int lo = min.isEmpty() ? 0 : PROTOCOLS.indexOf(min);
        int hi = max.isEmpty() ? PROTOCOLS.size() - 1 : PROTOCOLS.indexOf(max);
        if (lo < 0) {
            throw new TlsConfigException("\"ssl_min_protocol_version\" setting \"" + min + "\" not supported by this build");
        }
        if (hi < 0) {
            throw new TlsConfigException("\"ssl_max_protocol_version\" setting \"" + max + "\" not supported by this build");
        }
        if (lo > hi) {
            throw new TlsConfigException("could not set SSL protocol version range",
                    "\"ssl_min_protocol_version\" cannot be higher than \"ssl_max_protocol_version\"");
        }
        List<String> out = new ArrayList<>();
        for (int i = hi; i >= lo; i--) out.add(PROTOCOLS.get(i));
        return out;
    }

    /**
     * ssl_ecdh_curve: the one elliptic curve for ECDHE key exchange (SSL_CTX_set_tmp_ecdh(),
     * which restricts the groups to it), plus the finite-field groups the JDK uses for DHE.
     */
    static String[] namedGroups(String curve) throws TlsConfigException {
        if (curve.isEmpty()) return null;
        String jdk = switch (curve.toLowerCase(Locale.ROOT)) {
            case "prime256v1", "secp256r1", "p-256" -> "secp256r1";
            case "secp384r1", "p-384" -> "secp384r1";
            case "secp521r1", "p-521" -> "secp521r1";
            case "x25519" -> "x25519";
            case "x448" -> "x448";
            default -> null;
        };
        if (jdk == null) throw new TlsConfigException("ECDH: unrecognized curve name: " + curve);
        return new String[] {jdk, "ffdhe2048", "ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192"};
    }

    /** The JDK provider's cipher suites in its order of preference. */
    static List<String> supportedSuites() throws TlsConfigException {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, null, null);
            List<String> out = new ArrayList<>(List.of(ctx.getDefaultSSLParameters().getCipherSuites()));
            for (String s : ctx.getSupportedSSLParameters().getCipherSuites()) {
                if (!out.contains(s)) out.add(s);
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException("could not create SSL context: " + e.getMessage());
        }
    }

    /**
     * The passphrase of an encrypted key: from ssl_passphrase_command at server start, and on a
     * reload only when ssl_passphrase_command_supports_reload is on (otherwise PostgreSQL
     * refuses, as a prompt cannot be answered at reload either).
     */
    private static char[] passphrase(TlsSettings s, boolean serverStart) throws PemFiles.Failure, TlsConfigException {
        if (s.passphraseCommand().isEmpty() || !serverStart && !s.passphraseCommandSupportsReload()) {
            if (!serverStart) {
                throw new TlsConfigException("private key file \"" + s.keyFile()
                        + "\" cannot be reloaded because it requires a passphrase");
            }
            // PostgreSQL would prompt on the terminal; a server has none to ask
            throw new PemFiles.Failure("problems getting password");
        }
        return runPassphraseCommand(s.passphraseCommand(), s.dataDirectory());
    }

    /** run_ssl_passphrase_command(): %p is the prompt, %% a percent sign; the first line of output, without CR/LF. */
    static char[] runPassphraseCommand(String template, Path workingDirectory) throws TlsConfigException {
        StringBuilder cmd = new StringBuilder();
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c == '%' && i + 1 < template.length()) {
                char n = template.charAt(i + 1);
                if (n == 'p') {
                    cmd.append(PASSPHRASE_PROMPT);
                    i++;
                    continue;
                }
                if (n == '%') {
                    cmd.append('%');
                    i++;
                    continue;
                }
            }
            cmd.append(c);
        }
        String command = cmd.toString();
        Process p;
        try {
            ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            if (workingDirectory != null) pb.directory(workingDirectory.toFile());
            p = pb.start();
        } catch (IOException e) {
            throw new TlsConfigException("could not execute command \"" + command + "\": " + PemFiles.strerror(e));
        }
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            out = in.readNBytes(8192);
            if (!p.waitFor(PASSPHRASE_COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new TlsConfigException("command \"" + command + "\" failed", "child process was terminated by signal 9: Killed");
            }
        } catch (IOException e) {
            throw new TlsConfigException("could not read from command \"" + command + "\": " + PemFiles.strerror(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new TlsConfigException("could not read from command \"" + command + "\": interrupted");
        }
        if (p.exitValue() != 0) {
            throw new TlsConfigException("command \"" + command + "\" failed",
                    "child process exited with exit code " + p.exitValue());
        }
        int end = 0;
        while (end < out.length && out[end] != '\n') end++;
        while (end > 0 && (out[end - 1] == '\r' || out[end - 1] == '\n')) end--;
        String line = new String(out, 0, end, StandardCharsets.UTF_8);
        java.util.Arrays.fill(out, (byte) 0);
        return line.toCharArray();
    }
}
