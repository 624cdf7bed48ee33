package org.pgkernel.wire.internal.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;

/**
 * Certificate names printed the two ways PostgreSQL prints them (cf. be-secure-openssl.c):
 * <ul>
 *   <li>{@link #rfc2253} — {@code port->peer_dn}, what {@code cert} authentication with
 *       {@code clientname=DN} compares with the user name: OpenSSL's
 *       {@code X509_NAME_print_ex(…, XN_FLAG_RFC2253)}, i.e. the last RDN first, {@code ,}
 *       between RDNs and {@code +} inside one, OpenSSL's short attribute names, RFC 2253
 *       escapes, and bytes outside ASCII as {@code \XX}; unknown attributes as the dotted
 *       OID and {@code #} plus the hex of the value's DER encoding;</li>
 *   <li>{@link #slashed} — pg_stat_ssl's {@code client_dn} and {@code issuer_dn}
 *       (X509_NAME_to_cstring()): every attribute in encoded order as {@code /NAME=value},
 *       RFC 2253 escapes but UTF-8 left as it is.</li>
 * </ul>
 * Java's own {@link X500Principal#getName(String)} differs from both (it spells the e-mail
 * attribute as an OID and escapes differently), which a {@code clientname=DN} map would see.
 */
public final class DistinguishedNames {
    private DistinguishedNames() { }

    /** OpenSSL's short names (OBJ_nid2sn) of the attributes certificates use. */
    private static final Map<String, String> SHORT_NAMES = Map.ofEntries(
            Map.entry("2.5.4.3", "CN"), Map.entry("2.5.4.4", "SN"), Map.entry("2.5.4.5", "serialNumber"),
            Map.entry("2.5.4.6", "C"), Map.entry("2.5.4.7", "L"), Map.entry("2.5.4.8", "ST"),
            Map.entry("2.5.4.9", "street"), Map.entry("2.5.4.10", "O"), Map.entry("2.5.4.11", "OU"),
            Map.entry("2.5.4.12", "title"), Map.entry("2.5.4.13", "description"),
            Map.entry("2.5.4.15", "businessCategory"), Map.entry("2.5.4.17", "postalCode"),
            Map.entry("2.5.4.41", "name"), Map.entry("2.5.4.42", "GN"), Map.entry("2.5.4.43", "initials"),
            Map.entry("2.5.4.44", "generationQualifier"), Map.entry("2.5.4.46", "dnQualifier"),
            Map.entry("2.5.4.65", "pseudonym"), Map.entry("2.5.4.97", "organizationIdentifier"),
            Map.entry("1.2.840.113549.1.9.1", "emailAddress"),
            Map.entry("0.9.2342.19200300.100.1.1", "UID"), Map.entry("0.9.2342.19200300.100.1.25", "DC"),
            Map.entry("1.3.6.1.4.1.311.60.2.1.1", "jurisdictionL"),
            Map.entry("1.3.6.1.4.1.311.60.2.1.2", "jurisdictionST"),
            Map.entry("1.3.6.1.4.1.311.60.2.1.3", "jurisdictionC"));

    private static final String COMMON_NAME = "2.5.4.3";

    /** {@code port->peer_dn}: RFC 2253 as OpenSSL prints it. */
    public static String rfc2253(X500Principal name) {
        RDN[] rdns = X500Name.getInstance(name.getEncoded()).getRDNs();
        StringBuilder sb = new StringBuilder();
        for (int i = rdns.length - 1; i >= 0; i--) {
            if (sb.length() > 0) sb.append(',');
            // XN_FLAG_DN_REV walks the entries backwards, those of a multi-valued RDN too
            AttributeTypeAndValue[] avas = rdns[i].getTypesAndValues();
            for (int j = avas.length - 1; j >= 0; j--) {
                if (j < avas.length - 1) sb.append('+');
                appendAttribute(sb, avas[j], true);
            }
        }
        return sb.toString();
    }

    /** pg_stat_ssl's form: {@code /CN=client/O=Example}, in the order the certificate holds them. */
    public static String slashed(X500Principal name) {
        StringBuilder sb = new StringBuilder();
        for (RDN rdn : X500Name.getInstance(name.getEncoded()).getRDNs()) {
            for (AttributeTypeAndValue ava : rdn.getTypesAndValues()) {
                sb.append('/');
                appendAttribute(sb, ava, false);
            }
        }
        return sb.toString();
    }

    /**
     * {@code port->peer_cn}: the first common name in the subject as text, or null when there
     * is none (X509_NAME_get_text_by_NID(…, NID_commonName, …)).
     */
    public static String commonName(X500Principal name) {
        for (RDN rdn : X500Name.getInstance(name.getEncoded()).getRDNs()) {
            for (AttributeTypeAndValue ava : rdn.getTypesAndValues()) {
                if (ava.getType().getId().equals(COMMON_NAME)) {
                    return ava.getValue() instanceof ASN1String s ? s.getString() : null;
                }
            }
        }
        return null;
    }

    private static void appendAttribute(StringBuilder sb, AttributeTypeAndValue ava, boolean escapeNonAscii) {
        ASN1ObjectIdentifier type = ava.getType();
        String shortName = SHORT_NAMES.get(type.getId());
        sb.append(shortName != null ? shortName : type.getId()).append('=');
        ASN1Encodable value = ava.getValue();
        if (shortName == null || !(value instanceof ASN1String s)) {
            // XN_FLAG_DUMP_UNKNOWN_FIELDS / ASN1_STRFLGS_DUMP_UNKNOWN: '#' and the DER in hex
            sb.append('#').append(HexFormat.of().withUpperCase().formatHex(der(value)));
            return;
        }
        escape(sb, s.getString(), escapeNonAscii);
    }

    private static byte[] der(ASN1Encodable value) {
        try {
            return value.toASN1Primitive().getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /**
     * ASN1_STRFLGS_ESC_2253 and ESC_CTRL: a backslash before {@code , + " \ < > ;}, before a
     * leading {@code #} or space and a trailing space; control characters as {@code \XX};
     * with {@code escapeNonAscii} (ESC_MSB) every UTF-8 byte above 0x7F as {@code \XX} too.
     */
    static void escape(StringBuilder sb, String value, boolean escapeNonAscii) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < utf8.length; i++) {
            int b = utf8[i] & 0xFF;
            boolean first = i == 0;
            boolean last = i == utf8.length - 1;
            if (b < 0x20 || b == 0x7F || (b >= 0x80 && escapeNonAscii)) {
                sb.append('\\').append(HexFormat.of().withUpperCase().toHexDigits((byte) b));
            } else if (b >= 0x80) {
                // a whole UTF-8 sequence, unescaped
                int len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
                sb.append(new String(utf8, i, Math.min(len, utf8.length - i), StandardCharsets.UTF_8));
                i += len - 1;
            } else {
                char c = (char) b;
                if (",+\"\\<>;".indexOf(c) >= 0 || (first && (c == '#' || c == ' ')) || (last && c == ' ')) {
                    sb.append('\\');
                }
                sb.append(c);
            }
        }
    }
}
