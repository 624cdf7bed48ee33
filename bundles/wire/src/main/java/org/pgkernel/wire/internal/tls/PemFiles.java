package org.pgkernel.wire.internal.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/**
 * Reads PEM files with BouncyCastle: certificate chains, private keys (PKCS#1 "RSA PRIVATE
 * KEY", SEC 1 "EC PRIVATE KEY" with or without its "EC PARAMETERS" block, PKCS#8 "PRIVATE
 * KEY", and their encrypted forms: PKCS#8 "ENCRYPTED PRIVATE KEY" and the legacy
 * "Proc-Type: 4,ENCRYPTED" headers) and certificate revocation lists. Keys and certificates
 * become the JDK's own objects (no security provider is registered), so the JDK's TLS uses
 * them as if it had read them itself.
 *
 * <p>Failures are {@link Failure}s carrying the reason as OpenSSL's error strings give it
 * ("No such file or directory", "no start line", "bad decrypt"), for PostgreSQL's messages
 * "could not load … file "%s": %s".
 */
public final class PemFiles {
    private PemFiles() { }

    /** Why a file could not be read; {@link #getMessage()} is the reason alone. */
    public static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String reason) {
            super(reason, null, false, false);
        }
    }

    /** Supplies the passphrase of an encrypted key, asked only when the key is encrypted. */
    @FunctionalInterface
    public interface Passphrase {
        /** The passphrase; throws when there is none to be had (the message is the reason). */
        char[] get() throws Failure, TlsConfigException;
    }

    /** Every certificate in the file, in order (the server's own first in a chain file). */
    public static List<X509Certificate> certificates(Path file) throws Failure {
        List<X509Certificate> out = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (PEMParser parser = parser(file)) {
            for (Object o; (o = parser.readObject()) != null; ) {
                if (o instanceof X509CertificateHolder h) out.add(converter.getCertificate(h));
            }
        } catch (IOException e) {
            throw new Failure(strerror(e));
        } catch (GeneralSecurityException e) {
            throw new Failure("bad certificate");
        }
        if (out.isEmpty()) throw new Failure("no start line");
        return out;
    }

    /** The first private key in the file, decrypted with {@code passphrase} when it is encrypted. */
    public static PrivateKey privateKey(Path file, Passphrase passphrase) throws Failure, TlsConfigException {
        try (PEMParser parser = parser(file)) {
            for (Object o; (o = parser.readObject()) != null; ) {
                PrivateKeyInfo info = switch (o) {
                    case PEMKeyPair kp -> kp.getPrivateKeyInfo();
                    case PrivateKeyInfo pki -> pki;
                    case PEMEncryptedKeyPair ekp -> decrypt(ekp, passphrase);
                    case PKCS8EncryptedPrivateKeyInfo epki -> decrypt(epki, passphrase);
                    // "EC PARAMETERS" before the key, certificates in a combined file: skip
                    default -> null;
                };
                if (info != null) return jdkKey(info);
            }
        } catch (IOException e) {
            throw new Failure(strerror(e));
        }
        throw new Failure("no start line");
    }

    /**
     * The JDK's own key object for a PKCS#8 structure, by the JDK's name of its algorithm
     * (BouncyCastle's converter would ask for "ECDSA", a name only its own provider knows).
     */
    private static PrivateKey jdkKey(PrivateKeyInfo info) throws Failure, IOException {
        String algorithm = switch (info.getPrivateKeyAlgorithm().getAlgorithm().getId()) {
            case "1.2.840.113549.1.1.1" -> "RSA";
            case "1.2.840.113549.1.1.10" -> "RSASSA-PSS";
            case "1.2.840.10045.2.1" -> "EC";
            case "1.2.840.10040.4.1" -> "DSA";
            case "1.3.101.112" -> "Ed25519";
            case "1.3.101.113" -> "Ed448";
            default -> null;
        };
        if (algorithm == null) throw new Failure("unsupported private key algorithm");
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new Failure("unsupported private key algorithm");
        }
    }

    private static PrivateKeyInfo decrypt(PEMEncryptedKeyPair key, Passphrase passphrase)
            throws Failure, TlsConfigException {
        char[] secret = passphrase.get();
        try {
            return key.decryptKeyPair(new JcePEMDecryptorProviderBuilder().setProvider(cipherProvider()).build(secret))
                    .getPrivateKeyInfo();
        } catch (IOException | RuntimeException e) {
            throw new Failure("bad decrypt");
        } finally {
            java.util.Arrays.fill(secret, '\0');
        }
    }

    private static PrivateKeyInfo decrypt(PKCS8EncryptedPrivateKeyInfo key, Passphrase passphrase)
            throws Failure, TlsConfigException {
        char[] secret = passphrase.get();
        try {
            return key.decryptPrivateKeyInfo(
                    new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(cipherProvider()).build(secret));
        } catch (OperatorCreationException e) {
            throw new Failure("unsupported");
        } catch (PKCSException | RuntimeException e) {
            throw new Failure("bad decrypt");
        } finally {
            java.util.Arrays.fill(secret, '\0');
        }
    }

    /**
     * BouncyCastle's provider for the ciphers of encrypted keys only (it names them as the JDK
     * does not, e.g. "AES/CBC/PKCS7Padding"). A private instance: nothing is registered with
     * java.security.Security, and the decrypted key still becomes a JDK key.
     */
    private static java.security.Provider cipherProvider() {
        return new org.bouncycastle.jce.provider.BouncyCastleProvider();
    }

    /** Every CRL in the file. */
    public static List<X509CRL> crls(Path file) throws Failure {
        List<X509CRL> out = new ArrayList<>();
        JcaX509CRLConverter converter = new JcaX509CRLConverter();
        try (PEMParser parser = parser(file)) {
            for (Object o; (o = parser.readObject()) != null; ) {
                if (o instanceof X509CRLHolder h) out.add(converter.getCRL(h));
            }
        } catch (IOException e) {
            throw new Failure(strerror(e));
        } catch (GeneralSecurityException e) {
            throw new Failure("bad CRL");
        }
        if (out.isEmpty()) throw new Failure("no certificate or crl found");
        return out;
    }

    /** Every CRL in the regular files of a directory (ssl_crl_dir); files that hold none are skipped. */
    public static List<X509CRL> crlDirectory(Path dir) throws Failure {
        List<X509CRL> out = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                if (!Files.isRegularFile(f)) continue;
                try {
                    out.addAll(crls(f));
                } catch (Failure e) {
                    // OpenSSL's hashed-directory lookup only reads the files it needs; a stray file is no error
                }
            }
        } catch (IOException e) {
            throw new Failure(strerror(e));
        }
        return out;
    }

    private static PEMParser parser(Path file) throws IOException {
        Reader r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1);
        return new PEMParser(r);
    }

    /** strerror() of what the JDK reports, as OpenSSL 3's system errors read. */
    static String strerror(IOException e) {
        if (e instanceof NoSuchFileException) return "No such file or directory";
        if (e instanceof AccessDeniedException) return "Permission denied";
        if (e instanceof NotDirectoryException) return "Not a directory";
        String m = e.getMessage();
        if (m != null && m.endsWith("Is a directory")) return "Is a directory";
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
