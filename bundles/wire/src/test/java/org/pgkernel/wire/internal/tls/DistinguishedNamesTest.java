package org.pgkernel.wire.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;

class DistinguishedNamesTest {
    // X500Principal's string form is RFC 2253 order: the last RDN of the encoding first
    private static final X500Principal ALICE = new X500Principal("CN=alice,OU=Dev,O=Example Co,C=DE");

    @Test
    void prints_rfc2253_as_openssl_for_clientname_dn() {
        assertEquals("CN=alice,OU=Dev,O=Example Co,C=DE", DistinguishedNames.rfc2253(ALICE));
    }

    @Test
    void prints_pg_stat_ssl_form_in_encoded_order() {
        assertEquals("/C=DE/O=Example Co/OU=Dev/CN=alice", DistinguishedNames.slashed(ALICE));
        assertEquals("/CN=certuser", DistinguishedNames.slashed(new X500Principal("CN=certuser")));
    }

    @Test
    void uses_openssl_short_names_for_email_and_domain_components() {
        X500Principal p = new X500Principal("EMAILADDRESS=a@example.com,CN=alice,DC=example,DC=com");
        assertEquals("emailAddress=a@example.com,CN=alice,DC=example,DC=com", DistinguishedNames.rfc2253(p));
        assertEquals("/DC=com/DC=example/CN=alice/emailAddress=a@example.com", DistinguishedNames.slashed(p));
    }

    @Test
    void escapes_as_rfc2253_and_escapes_non_ascii_bytes_only_in_the_rfc2253_form() {
        X500Principal p = new X500Principal("CN=J\u00fcrgen\\, Jr.,O=\\#1 \\+ more");
        assertEquals("CN=J\\C3\\BCrgen\\, Jr.,O=\\#1 \\+ more", DistinguishedNames.rfc2253(p));
        assertEquals("/O=\\#1 \\+ more/CN=J\u00fcrgen\\, Jr.", DistinguishedNames.slashed(p));
    }

    @Test
    void multi_valued_rdns_join_with_plus() {
        X500Principal p = new X500Principal("CN=alice+UID=42,O=Example");
        assertEquals("O=Example", DistinguishedNames.rfc2253(p).substring(DistinguishedNames.rfc2253(p).indexOf(',') + 1));
        assertEquals(true, DistinguishedNames.rfc2253(p).matches("(CN=alice\\+UID=42|UID=42\\+CN=alice),O=Example"));
    }

    @Test
    void common_name_is_the_first_cn_or_null() {
        assertEquals("alice", DistinguishedNames.commonName(ALICE));
        assertNull(DistinguishedNames.commonName(new X500Principal("O=Example")));
    }
}
