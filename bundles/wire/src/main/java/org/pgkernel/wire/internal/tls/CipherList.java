package org.pgkernel.wire.internal.tls;

import io.netty.handler.ssl.CipherSuiteConverter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * ssl_ciphers, an OpenSSL cipher list ("HIGH:MEDIUM:+3DES:!aNULL"), applied to the cipher
 * suites of the JDK's TLS provider. OpenSSL's list semantics are kept (ciphers(1)): elements
 * separated by {@code :}, {@code ,} or spaces are applied left to right to an ordered list;
 * a plain element appends the suites it selects that are not in the list yet, {@code -}
 * removes them, {@code !} removes them for good, {@code +} moves those already in the list
 * to its end; {@code A+B} selects what both select; {@code @STRENGTH} sorts by key bits,
 * {@code @SECLEVEL=n} is ignored; unknown names select nothing. The suites a word selects
 * come in the JDK's order of preference.
 *
 * <p>The words, mapped onto the suites' names ({@code TLS_<kx>_<auth>_WITH_<cipher>_<mac>}):
 * <pre>
 *  HIGH            AES, CHACHA20, CAMELLIA, ARIA (what OpenSSL 3 calls HIGH)
 *  MEDIUM          3DES, RC4, SEED, IDEA          LOW  single DES      EXP, EXPORT  export suites
 *  ALL, DEFAULT    everything but NULL encryption (DEFAULT also without anonymous ones)
 *  COMPLEMENTOFALL, eNULL, NULL                   suites without encryption
 *  COMPLEMENTOFDEFAULT, aNULL                     anonymous suites (ADH, AECDH: the DH/ECDH ones)
 *  kRSA, RSA / aRSA      RSA key exchange / RSA certificates
 *  kECDHE, ECDHE, kEECDH, EECDH   ephemeral ECDH, authenticated;  kDHE, DHE, kEDH, EDH likewise DH
 *  aECDSA, ECDSA / aDSS, DSS      ECDSA / DSA certificates
 *  AES, AES128, AES256, AESGCM, AESCCM, CHACHA20, 3DES, DES, RC4, CAMELLIA, ARIA, SEED, IDEA
 *  MD5, SHA1, SHA, SHA256, SHA384  the MAC (for AEAD suites, the PRF hash)
 *  TLSv1.2                         suites that need TLS 1.2 (AEAD, SHA-256/384 MACs)
 *  an OpenSSL suite name (ECDHE-RSA-AES256-GCM-SHA384) or the IANA/Java one
 * </pre>
 * TLS 1.3 suites are not governed by ssl_ciphers, as in PostgreSQL with OpenSSL (which sets
 * them apart with SSL_CTX_set_ciphersuites and PostgreSQL does not): they are always the
 * JDK's defaults, in front. A list that leaves no suite for TLS 1.2 and older is refused as
 * SSL_CTX_set_cipher_list() refuses it. Whatever the list, the JDK still applies
 * {@code jdk.tls.disabledAlgorithms}: with JDK 25, PostgreSQL's default
 * 'HIGH:MEDIUM:+3DES:!aNULL' gives every default suite of the JDK (all of them AES-GCM,
 * AES-CBC or ChaCha20-Poly1305 with ECDHE or DHE), in the JDK's order.
 */
public final class CipherList {
    private CipherList() { }

    /** One suite's attributes as the words above read them. */
    record Suite(String name, String openSsl, String kx, String auth, String cipher, String mac, int bits) {
        boolean tls13() {
            return kx.isEmpty();
        }
    }

    /**
     * The suites to enable, in order: the TLS 1.3 suites of {@code available}, then those for
     * TLS 1.2 and older that {@code spec} selects.
     *
     * @param available the provider's suites in its order of preference
     * @throws TlsConfigException when no suite for TLS 1.2 and older is selected
     */
    public static List<String> select(String spec, List<String> available) throws TlsConfigException {
        List<Suite> universe = new ArrayList<>();
        List<String> out = new ArrayList<>();
        for (String name : available) {
            Suite s = parse(name);
            if (s == null) continue;
            if (s.tls13()) out.add(name);
            else universe.add(s);
        }
        LinkedHashSet<Suite> list = new LinkedHashSet<>();
        Set<Suite> killed = new HashSet<>();
        for (String element : spec.split("[:, ]+")) {
            if (element.isEmpty()) continue;
            if (element.startsWith("@")) {
                if (element.equalsIgnoreCase("@STRENGTH")) {
                    List<Suite> sorted = new ArrayList<>(list);
                    sorted.sort(Comparator.comparingInt(Suite::bits).reversed());
                    list.clear();
                    list.addAll(sorted);
                }
                continue; // @SECLEVEL=n and the like
            }
            char op = element.charAt(0);
            String words = op == '!' || op == '-' || op == '+' ? element.substring(1) : element;
            Predicate<Suite> selects = matcher(words);
            switch (op) {
                case '!' -> {
                    universe.stream().filter(selects).forEach(killed::add);
                    list.removeIf(selects);
                }
                case '-' -> list.removeIf(selects);
                case '+' -> {
                    List<Suite> moved = list.stream().filter(selects).toList();
                    list.removeAll(moved);
                    list.addAll(moved);
                }
                default -> universe.stream().filter(selects).filter(s -> !killed.contains(s)).forEach(list::add);
            }
        }
        if (list.isEmpty()) throw new TlsConfigException("could not set the cipher list (no valid ciphers available)");
        for (Suite s : list) out.add(s.name());
        return out;
    }

    /** The suites {@code words} selects: the intersection of its {@code +}-joined words. */
    private static Predicate<Suite> matcher(String words) {
        Predicate<Suite> p = s -> true;
        for (String w : words.split("\\+")) {
            if (!w.isEmpty()) p = p.and(word(w));
        }
        return p;
    }

    private static Predicate<Suite> word(String w) {
        return switch (w) {
            case "ALL" -> s -> !s.cipher().equals("NULL");
            case "DEFAULT" -> s -> !s.cipher().equals("NULL") && !s.auth().equals("anon");
            case "COMPLEMENTOFALL", "eNULL", "NULL" -> s -> s.cipher().equals("NULL");
            case "COMPLEMENTOFDEFAULT", "aNULL" -> s -> s.auth().equals("anon");
            case "ADH" -> s -> s.auth().equals("anon") && s.kx().equals("DH");
            case "AECDH" -> s -> s.auth().equals("anon") && s.kx().equals("ECDH");
            case "HIGH" -> s -> s.cipher().startsWith("AES") || s.cipher().startsWith("CHACHA20")
                    || s.cipher().startsWith("CAMELLIA") || s.cipher().startsWith("ARIA");
            case "MEDIUM" -> s -> s.cipher().startsWith("3DES") || s.cipher().startsWith("RC4")
                    || s.cipher().startsWith("SEED") || s.cipher().startsWith("IDEA");
            case "LOW" -> s -> s.cipher().startsWith("DES");
            case "EXP", "EXPORT" -> s -> s.name().contains("EXPORT");
            case "kRSA", "RSA" -> s -> s.kx().equals("RSA");
            case "aRSA" -> s -> s.auth().equals("RSA");
            case "kECDHE", "ECDHE", "kEECDH", "EECDH" -> s -> s.kx().equals("ECDHE") && !s.auth().equals("anon");
            case "kDHE", "DHE", "kEDH", "EDH" -> s -> s.kx().equals("DHE") && !s.auth().equals("anon");
            case "aECDSA", "ECDSA" -> s -> s.auth().equals("ECDSA");
            case "aDSS", "DSS" -> s -> s.auth().equals("DSS");
            case "AES" -> s -> s.cipher().startsWith("AES");
            case "AES128" -> s -> s.cipher().startsWith("AES_128");
            case "AES256" -> s -> s.cipher().startsWith("AES_256");
            case "AESGCM" -> s -> s.cipher().startsWith("AES") && s.cipher().endsWith("GCM");
            case "AESCCM" -> s -> s.cipher().startsWith("AES") && s.cipher().contains("CCM");
            case "CHACHA20" -> s -> s.cipher().startsWith("CHACHA20");
            case "3DES" -> s -> s.cipher().startsWith("3DES");
            case "DES" -> s -> s.cipher().startsWith("DES");
            case "RC4" -> s -> s.cipher().startsWith("RC4");
            case "CAMELLIA" -> s -> s.cipher().startsWith("CAMELLIA");
            case "ARIA" -> s -> s.cipher().startsWith("ARIA");
            case "SEED" -> s -> s.cipher().startsWith("SEED");
            case "IDEA" -> s -> s.cipher().startsWith("IDEA");
            case "MD5" -> s -> s.mac().equals("MD5");
            case "SHA1", "SHA" -> s -> s.mac().equals("SHA");
            case "SHA256" -> s -> s.mac().equals("SHA256");
            case "SHA384" -> s -> s.mac().equals("SHA384");
            case "TLSv1.2" -> s -> s.cipher().endsWith("GCM") || s.cipher().contains("CCM")
                    || s.cipher().contains("POLY1305") || s.mac().equals("SHA256") || s.mac().equals("SHA384");
            case "TLSv1", "TLSv1.0", "SSLv3" -> s -> !(s.cipher().endsWith("GCM") || s.cipher().contains("CCM")
                    || s.cipher().contains("POLY1305") || s.mac().equals("SHA256") || s.mac().equals("SHA384"));
            default -> s -> s.name().equalsIgnoreCase(w) || w.equals(s.openSsl())
                    || s.name().equalsIgnoreCase("TLS_" + w.substring(w.startsWith("SSL_") ? 4 : 0));
        };
    }

    /**
     * A JDK suite name taken apart, or null for a signalling value. TLS 1.3 suites
     * ({@code TLS_AES_128_GCM_SHA256}) have no key exchange in their name and get an empty kx.
     */
    static Suite parse(String name) {
        if (name.endsWith("_SCSV")) return null;
        String rest;
        if (name.startsWith("TLS_")) rest = name.substring(4);
        else if (name.startsWith("SSL_")) rest = name.substring(4);
        else return null;
        String openSsl = CipherSuiteConverter.toOpenSsl(name, false);
        int with = rest.indexOf("_WITH_");
        if (with < 0) {
            int lastUnderscore = rest.lastIndexOf('_');
            String cipher = rest.substring(0, lastUnderscore);
            String mac = rest.substring(lastUnderscore + 1);
            return new Suite(name, openSsl == null ? name : openSsl, "", "", cipher, mac, bits(cipher));
        }
        String kxAuth = rest.substring(0, with);
        String cipherMac = rest.substring(with + 6);
        String kx;
        String auth;
        int us = kxAuth.indexOf('_');
        if (us < 0) {
            kx = kxAuth;
            auth = kxAuth.equals("RSA") ? "RSA" : kxAuth.equals("NULL") ? "NULL" : kxAuth;
        } else {
            kx = kxAuth.substring(0, us);
            auth = kxAuth.substring(us + 1);
        }
        if (auth.equals("anon")) {
            // TLS_DH_anon_…, TLS_ECDH_anon_…: ephemeral, unauthenticated
            kx = kx.equals("ECDH") ? "ECDH" : "DH";
        }
        int lastUnderscore = cipherMac.lastIndexOf('_');
        String cipher = cipherMac.substring(0, lastUnderscore);
        String mac = cipherMac.substring(lastUnderscore + 1);
        if (cipher.endsWith("POLY1305")) mac = "SHA256";
        return new Suite(name, openSsl == null ? name : openSsl, kx, auth, cipher, mac, bits(cipher));
    }

    /** The symmetric key's strength in bits, as SSL_get_cipher_bits() reports it. */
    static int bits(String cipher) {
        String c = cipher.toUpperCase(Locale.ROOT);
        if (c.startsWith("NULL")) return 0;
        if (c.startsWith("CHACHA20")) return 256;
        if (c.startsWith("3DES")) return 112;
        if (c.startsWith("DES40")) return 40;
        if (c.startsWith("DES")) return 56;
        if (c.contains("256")) return 256;
        if (c.contains("192")) return 192;
        if (c.contains("128")) return 128;
        if (c.contains("40")) return 40;
        return 128;
    }

    /** pg_stat_ssl's bits for a negotiated suite. */
    public static int bitsOf(String suiteName) {
        Suite s = parse(suiteName);
        return s == null ? 0 : s.bits();
    }

    /** pg_stat_ssl's cipher: OpenSSL's name of the suite (TLS 1.3 suites have the same name in both). */
    public static String openSslName(String suiteName) {
        String n = CipherSuiteConverter.toOpenSsl(suiteName, false);
        return n == null ? suiteName : n;
    }
}
