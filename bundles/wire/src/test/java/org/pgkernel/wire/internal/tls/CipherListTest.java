package org.pgkernel.wire.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CipherListTest {
    /** A provider's list in its order: three TLS 1.3 suites, then older ones of every kind. */
    private static final List<String> AVAILABLE = List.of(
            "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256",
            "SSL_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_ECDH_anon_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_NULL_SHA256",
            "TLS_EMPTY_RENEGOTIATION_INFO_SCSV");

    private static final List<String> TLS13 = AVAILABLE.subList(0, 3);

    private static List<String> older(String spec) throws TlsConfigException {
        List<String> all = CipherList.select(spec, AVAILABLE);
        assertEquals(TLS13, all.subList(0, 3), "TLS 1.3 suites are not governed by ssl_ciphers");
        return all.subList(3, all.size());
    }

    @Test
    void postgresql_default_keeps_high_and_medium_with_3des_last_and_no_anonymous_suites() throws Exception {
        assertEquals(List.of("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256",
                "SSL_RSA_WITH_3DES_EDE_CBC_SHA"), older("HIGH:MEDIUM:+3DES:!aNULL"));
    }

    @Test
    void the_jdk_default_suites_all_survive_the_postgresql_default() throws Exception {
        List<String> jdk = ServerTls.supportedSuites();
        List<String> selected = CipherList.select("HIGH:MEDIUM:+3DES:!aNULL", jdk);
        for (String s : jdk) {
            if (!s.endsWith("_SCSV")) assertTrue(selected.contains(s), s);
        }
    }

    @Test
    void plus_joins_words_and_prefixes_remove_kill_and_move() throws Exception {
        assertEquals(List.of("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
                older("ECDHE+AESGCM"));
        assertEquals(List.of("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256"),
                older("HIGH:-AES128:-CHACHA20:-aNULL"));
        assertEquals(List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"), older("!AES256:!CHACHA20:!aNULL:HIGH:AES256"));
        assertEquals(List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
                "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256"), older("HIGH:!aNULL:+AES256"));
        assertEquals(List.of("TLS_ECDH_anon_WITH_AES_128_CBC_SHA"), older("aNULL"));
        assertEquals(List.of("TLS_RSA_WITH_NULL_SHA256"), older("eNULL"));
    }

    @Test
    void accepts_openssl_and_iana_suite_names() throws Exception {
        assertEquals(List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"),
                older("ECDHE-RSA-AES128-GCM-SHA256:TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"));
    }

    @Test
    void strength_sorts_by_key_bits() throws Exception {
        assertEquals(List.of("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
                "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"), older("HIGH:!aNULL:@STRENGTH"));
    }

    @Test
    void a_list_that_selects_nothing_is_refused() {
        assertEquals("could not set the cipher list (no valid ciphers available)",
                assertThrows(TlsConfigException.class, () -> CipherList.select("NOSUCHCIPHER", AVAILABLE)).getMessage());
        assertThrows(TlsConfigException.class, () -> CipherList.select("HIGH:!HIGH", AVAILABLE));
    }

    @Test
    void names_and_bits_for_pg_stat_ssl() {
        assertEquals("ECDHE-RSA-AES256-GCM-SHA384", CipherList.openSslName("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"));
        assertEquals("TLS_AES_128_GCM_SHA256", CipherList.openSslName("TLS_AES_128_GCM_SHA256"));
        assertEquals(256, CipherList.bitsOf("TLS_AES_256_GCM_SHA384"));
        assertEquals(128, CipherList.bitsOf("TLS_AES_128_GCM_SHA256"));
        assertEquals(256, CipherList.bitsOf("TLS_CHACHA20_POLY1305_SHA256"));
        assertEquals(112, CipherList.bitsOf("SSL_RSA_WITH_3DES_EDE_CBC_SHA"));
    }
}
