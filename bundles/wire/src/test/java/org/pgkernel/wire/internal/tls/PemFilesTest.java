package org.pgkernel.wire.internal.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgkernel.wire.testing.TestPki;

class PemFilesTest {
    @TempDir
    Path dir;

    private static final PemFiles.Passphrase NONE = () -> {
        throw new PemFiles.Failure("problems getting password");
    };

    private PrivateKey read(String pem) throws Exception {
        Path f = TestPki.write(dir.resolve("k" + System.nanoTime()), pem, "rw-------");
        return PemFiles.privateKey(f, NONE);
    }

    @Test
    void reads_rsa_keys_in_pkcs1_and_pkcs8() throws Exception {
        KeyPair rsa = TestPki.rsaKeys();
        assertEquals("RSA", read(TestPki.pem(rsa.getPrivate())).getAlgorithm());
        assertArrayEquals(rsa.getPrivate().getEncoded(), read(TestPki.pem(rsa.getPrivate())).getEncoded());
        assertArrayEquals(rsa.getPrivate().getEncoded(), read(TestPki.pkcs8(rsa.getPrivate())).getEncoded());
        assertEquals(true, TestPki.pem(rsa.getPrivate()).startsWith("-----BEGIN RSA PRIVATE KEY-----"));
    }

    @Test
    void reads_ec_keys_in_sec1_with_parameters_and_pkcs8() throws Exception {
        KeyPair ec = TestPki.ecKeys();
        assertEquals("EC", read(TestPki.pem(ec.getPrivate())).getAlgorithm());
        assertEquals("EC", read(TestPki.ecWithParameters(ec.getPrivate())).getAlgorithm());
        assertEquals("EC", read(TestPki.pkcs8(ec.getPrivate())).getAlgorithm());
        assertEquals(true, TestPki.ecWithParameters(ec.getPrivate()).startsWith("-----BEGIN EC PARAMETERS-----"));
    }

    @Test
    void decrypts_an_encrypted_pkcs8_key_with_the_passphrase_and_refuses_a_wrong_one() throws Exception {
        KeyPair ec = TestPki.ecKeys();
        Path f = TestPki.write(dir.resolve("enc.key"), TestPki.encryptedPkcs8(ec.getPrivate(), "secret"), "rw-------");
        assertArrayEquals(ec.getPrivate().getEncoded(), PemFiles.privateKey(f, "secret"::toCharArray).getEncoded());
        assertEquals("bad decrypt",
                assertThrows(PemFiles.Failure.class, () -> PemFiles.privateKey(f, "wrong"::toCharArray)).getMessage());
        assertEquals("problems getting password",
                assertThrows(PemFiles.Failure.class, () -> PemFiles.privateKey(f, NONE)).getMessage());
    }

    @Test
    void reads_a_certificate_chain_in_order() throws Exception {
        TestPki.Issued ca = TestPki.ca("chain-ca");
        TestPki.Issued server = TestPki.server(ca, TestPki.ecKeys());
        Path f = TestPki.write(dir.resolve("chain.crt"), TestPki.pem(server.certificate(), ca.certificate()), "rw-r--r--");
        assertEquals(List.of(server.certificate(), ca.certificate()), PemFiles.certificates(f));
    }

    @Test
    void reports_missing_files_and_files_without_pem_as_openssl_does() throws Exception {
        assertEquals("No such file or directory",
                assertThrows(PemFiles.Failure.class, () -> PemFiles.certificates(dir.resolve("absent.crt"))).getMessage());
        Path junk = Files.writeString(dir.resolve("junk"), "not a certificate\n");
        assertEquals("no start line", assertThrows(PemFiles.Failure.class, () -> PemFiles.certificates(junk)).getMessage());
        assertEquals("no start line", assertThrows(PemFiles.Failure.class, () -> PemFiles.privateKey(junk, NONE)).getMessage());
        assertEquals("no certificate or crl found",
                assertThrows(PemFiles.Failure.class, () -> PemFiles.crls(junk)).getMessage());
    }

    @Test
    void reads_crls_from_a_file_and_a_directory() throws Exception {
        TestPki.Issued ca = TestPki.ca("crl-ca");
        TestPki.Issued revoked = TestPki.client(ca, "CN=revoked");
        Path crl = TestPki.write(dir.resolve("ca.crl"), TestPki.pem(TestPki.crl(ca, revoked.certificate())), "rw-r--r--");
        assertEquals(1, PemFiles.crls(crl).size());
        Files.writeString(dir.resolve("README"), "not a CRL");
        assertEquals(1, PemFiles.crlDirectory(dir).size());
        assertEquals(true, PemFiles.crls(crl).get(0).isRevoked(revoked.certificate()));
    }
}
