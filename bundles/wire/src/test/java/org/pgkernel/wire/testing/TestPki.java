package org.pgkernel.wire.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * Certificates for the TLS tests, made with BouncyCastle as an operator would make them with
 * openssl: a CA, server certificates (CN=localhost, SAN localhost and 127.0.0.1) and client
 * certificates signed by it, a CRL, and PEM files in the forms PostgreSQL reads.
 */
public final class TestPki {
    private static final AtomicLong SERIAL = new AtomicLong(0x1000);

    /** A key pair with its certificate. */
    public record Issued(KeyPair keys, X509Certificate certificate) {
        public PrivateKey key() {
            return keys.getPrivate();
        }
    }

    private TestPki() { }

    public static KeyPair ecKeys() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeyPair rsaKeys() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A self-signed CA. */
    public static Issued ca(String cn) {
        KeyPair keys = ecKeys();
        return new Issued(keys, sign(new X500Principal("CN=" + cn), keys, new X500Principal("CN=" + cn), keys.getPrivate(),
                true, null));
    }

    /** A server certificate for localhost and 127.0.0.1. */
    public static Issued server(Issued ca, KeyPair keys) {
        GeneralNames san = new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")});
        return new Issued(keys, sign(new X500Principal("CN=localhost"), keys, ca.certificate().getSubjectX500Principal(),
                ca.key(), false, san));
    }

    /** A client certificate with the given subject, e.g. "CN=certuser". */
    public static Issued client(Issued ca, String subject) {
        KeyPair keys = ecKeys();
        return new Issued(keys, sign(new X500Principal(subject), keys, ca.certificate().getSubjectX500Principal(),
                ca.key(), false, null));
    }

    private static X509Certificate sign(X500Principal subject, KeyPair keys, X500Principal issuer, PrivateKey issuerKey,
                                        boolean isCa, GeneralNames san) {
        try {
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))), subject,
                    keys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
            if (isCa) b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            if (san != null) b.addExtension(Extension.subjectAlternativeName, false, san);
            String alg = issuerKey.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
            return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(alg).build(issuerKey)));
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A CRL of the CA revoking the given certificates. */
    public static X509CRL crl(Issued ca, X509Certificate... revoked) {
        try {
            Date now = new Date();
            X509v2CRLBuilder b = new X509v2CRLBuilder(
                    org.bouncycastle.asn1.x500.X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded()),
                    now);
            b.setNextUpdate(new Date(now.getTime() + 86_400_000L));
            for (X509Certificate c : revoked) b.addCRLEntry(c.getSerialNumber(), now, CRLReason.keyCompromise);
            return new JcaX509CRLConverter().getCRL(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.key())));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Objects as PEM text (certificates, CRLs, keys: a key as PKCS#1 or SEC 1, what openssl genrsa/ecparam write). */
    public static String pem(Object... objects) {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            for (Object o : objects) {
                if (o instanceof PrivateKey k && k.getAlgorithm().equals("EC")) {
                    pw.writeObject(new PemObject("EC PRIVATE KEY", sec1(k)));
                } else {
                    pw.writeObject(o);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return w.toString();
    }

    /** SEC 1 ECPrivateKey with its curve inside, as OpenSSL writes it (the JDK's PKCS#8 leaves it out). */
    private static byte[] sec1(PrivateKey key) throws IOException {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
        var inner = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
        return new org.bouncycastle.asn1.sec.ECPrivateKey(256, inner.getKey(), null,
                info.getPrivateKeyAlgorithm().getParameters()).getEncoded();
    }

    /** A private key as unencrypted PKCS#8 ("BEGIN PRIVATE KEY"), what openssl genpkey writes. */
    public static String pkcs8(PrivateKey key) {
        StringWriter w = new StringWriter();
        try (PemWriter pw = new PemWriter(w)) {
            pw.writeObject(new PemObject("PRIVATE KEY", key.getEncoded()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return w.toString();
    }

    /** A private key as encrypted PKCS#8 ("BEGIN ENCRYPTED PRIVATE KEY", AES-256-CBC with PBKDF2). */
    public static String encryptedPkcs8(PrivateKey key, String passphrase) {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            var enc = new JceOpenSSLPKCS8EncryptorBuilder(org.bouncycastle.openssl.PKCS8Generator.AES_256_CBC)
                    .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider())
                    .setRandom(new SecureRandom()).setPassword(passphrase.toCharArray()).build();
            pw.writeObject(new JcaPKCS8Generator(key, enc));
        } catch (IOException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
        return w.toString();
    }

    /** A SEC 1 EC key preceded by its "EC PARAMETERS" block, as openssl ecparam -genkey writes it. */
    public static String ecWithParameters(PrivateKey key) {
        try {
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
            ASN1Primitive params = info.getPrivateKeyAlgorithm().getParameters().toASN1Primitive();
            StringWriter w = new StringWriter();
            try (PemWriter pw = new PemWriter(w)) {
                pw.writeObject(new PemObject("EC PARAMETERS", params.getEncoded()));
                pw.writeObject(new PemObject("EC PRIVATE KEY", sec1(key)));
            }
            return w.toString();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes text to a file with the given mode ("rw-------"). */
    public static Path write(Path file, String text, String mode) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    /**
     * A client-side JDK SSLContext: trusting {@code trusted} (null: trusting anything, as
     * sslmode=require), presenting {@code identity} when not null.
     */
    public static SSLContext clientContext(X509Certificate trusted, Issued identity) {
        try {
            TrustManagerFactory tmf = null;
            if (trusted != null) {
                KeyStore ts = KeyStore.getInstance("PKCS12");
                ts.load(null, null);
                ts.setCertificateEntry("ca", trusted);
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ts);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(identity == null ? null : new javax.net.ssl.KeyManager[] {new Always(identity)},
                    tmf == null ? new javax.net.ssl.TrustManager[] {new TrustAll()} : tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Presents its one certificate whatever the server asks for, as libpq does with sslcert
     * (the JDK's own key managers would send none to a server that lists other CAs).
     */
    private static final class Always extends javax.net.ssl.X509ExtendedKeyManager {
        private final Issued identity;

        Always(Issued identity) {
            this.identity = identity;
        }

        @Override public String[] getClientAliases(String keyType, java.security.Principal[] issuers) { return new String[] {"me"}; }
        @Override public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, java.net.Socket s) { return "me"; }
        @Override public String chooseEngineClientAlias(String[] keyType, java.security.Principal[] issuers, javax.net.ssl.SSLEngine e) { return "me"; }
        @Override public String[] getServerAliases(String keyType, java.security.Principal[] issuers) { return null; }
        @Override public String chooseServerAlias(String keyType, java.security.Principal[] issuers, java.net.Socket s) { return null; }
        @Override public X509Certificate[] getCertificateChain(String alias) { return new X509Certificate[] {identity.certificate()}; }
        @Override public PrivateKey getPrivateKey(String alias) { return identity.key(); }
    }

    /** sslmode=require: encryption without checking the server. */
    private static final class TrustAll implements javax.net.ssl.X509TrustManager {
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType) { }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType) { }
        @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    }
}
