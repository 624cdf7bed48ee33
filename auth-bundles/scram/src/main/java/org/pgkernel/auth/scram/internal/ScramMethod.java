package org.pgkernel.auth.scram.internal;

import com.ongres.scram.common.ScramFunctions;
import com.ongres.scram.common.ScramMechanism;
import com.ongres.scram.common.util.TlsServerEndpoint;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.pgkernel.catalog.api.Passwords;
import org.pgkernel.catalog.api.SharedCatalog;
import org.pgkernel.catalog.api.StoredPasswords;
import org.pgkernel.kernel.api.ErrorSeverity;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.SqlState;
import org.pgkernel.kernel.spi.AuthenticationMethod;

/**
 * pg_hba method {@code scram-sha-256}: SASL with SCRAM-SHA-256 (RFC 5802, RFC 7677), and
 * SCRAM-SHA-256-PLUS with tls-server-end-point channel binding when the connection is TLS
 * (cf. auth-sasl.c and auth-scram.c). The SCRAM arithmetic is com.ongres scram-common's
 * ScramFunctions, the library pgjdbc uses, embedded privately.
 *
 * <pre>
 *  server                                     client
 *  AuthenticationSASL [mechanisms]      →
 *                                       ←     SASLInitialResponse mechanism, client-first
 *  AuthenticationSASLContinue server-first →
 *                                       ←     SASLResponse client-final (c=, r=, p=)
 *  AuthenticationSASLFinal v=ServerSignature →  (then the backend's AuthenticationOk)
 * </pre>
 * A role without a usable SCRAM secret (missing, no password, expired, an md5 hash) gets a
 * mock exchange with a salt derived from its name and a per-start secret, so it cannot be
 * told from a wrong password; the proof never verifies, and the answer is the same 28P01.
 */
@Component(service = AuthenticationMethod.class, property = AuthenticationMethod.METHOD_PROPERTY + "=scram-sha-256")
public final class ScramMethod implements AuthenticationMethod {
    static final int AUTH_REQ_SASL = 10, AUTH_REQ_SASL_CONT = 11, AUTH_REQ_SASL_FIN = 12;
    static final String SCRAM = "SCRAM-SHA-256", SCRAM_PLUS = "SCRAM-SHA-256-PLUS";
    /** SCRAM_RAW_NONCE_LEN. */
    private static final int NONCE_BYTES = 18;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SharedCatalog catalog;
    /** scram_mock_salt()'s secret: random per activation. */
    private final byte[] mockNonce = new byte[32];

    @Activate
    public ScramMethod(@Reference SharedCatalog catalog) {
        this.catalog = catalog;
        RANDOM.nextBytes(mockNonce);
    }

    @Override
    public String name() {
        return "scram-sha-256";
    }

    @Override
    public void authenticate(AuthExchange exchange, Map<String, String> hbaOptions) throws Exception {
        String user = exchange.userName();
        String stored = StoredPasswords.usableVerifier(catalog, user, Instant.now());
        Passwords.ScramSecret secret = stored != null && Passwords.typeOf(stored) == Passwords.Type.SCRAM_SHA_256
                ? Passwords.parseScram(stored) : null;
        boolean mock = secret == null;
        if (mock) secret = mockSecret(user);

        byte[] serverCert = exchange.isSsl() ? exchange.serverCertificate() : null;
        boolean plusOffered = serverCert != null;
        exchange.sendRequest(AUTH_REQ_SASL, ((plusOffered ? SCRAM_PLUS + "\0" : "") + SCRAM)
                .getBytes(StandardCharsets.US_ASCII));

        // SASLInitialResponse: mechanism NUL, int32 length (-1: none), data
        ByteBuffer in = ByteBuffer.wrap(exchange.receiveResponse());
        String mechanism = cstring(in);
        boolean plus = mechanism.equals(SCRAM_PLUS) && plusOffered;
        if (!plus && !mechanism.equals(SCRAM)) {
            throw protocol("client selected an invalid SASL authentication mechanism", null);
        }
        if (in.remaining() < 4) throw protocol("invalid SASL initial response", null);
        int len = in.getInt();
        if (len < 0 || len != in.remaining()) throw protocol("malformed SCRAM message", "The message is empty.");
        byte[] first = new byte[len];
        in.get(first);
        ClientFirst cf = ClientFirst.parse(new String(first, StandardCharsets.UTF_8), plus, plusOffered);

        String serverNonce = Base64.getEncoder().encodeToString(randomBytes(NONCE_BYTES));
        String nonce = cf.nonce + serverNonce;
        String serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(secret.salt())
                + ",i=" + secret.iterations();
        exchange.sendRequest(AUTH_REQ_SASL_CONT, serverFirst.getBytes(StandardCharsets.UTF_8));

        String finalMessage = new String(exchange.receiveResponse(), StandardCharsets.UTF_8);
        ClientFinal fin = ClientFinal.parse(finalMessage);
        if (plus) {
            byte[] expected = concat(cf.gs2Header.getBytes(StandardCharsets.UTF_8), endPointHash(serverCert));
            String b64 = Base64.getEncoder().encodeToString(expected);
            if (!MessageDigest.isEqual(b64.getBytes(StandardCharsets.US_ASCII), fin.channelBinding.getBytes(StandardCharsets.UTF_8))) {
                throw new PgException(ErrorSeverity.FATAL, SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                        "SCRAM channel binding check failed", null, null, 0, null, null);
            }
        } else if (!(fin.channelBinding.equals("biws") && cf.flag == 'n') && !(fin.channelBinding.equals("eSws") && cf.flag == 'y')) {
            throw protocol("unexpected SCRAM channel-binding attribute in client-final-message", null);
        }
        if (!fin.nonce.equals(nonce)) throw protocol("invalid SCRAM response", "Nonce does not match.");

        String authMessage = cf.bare + "," + serverFirst + "," + fin.withoutProof;
        boolean ok = ScramFunctions.verifyClientProof(ScramMechanism.SCRAM_SHA_256, fin.proof, secret.storedKey(), authMessage);
        if (mock || !ok) throw StoredPasswords.failed(user);
        byte[] signature = ScramFunctions.serverSignature(ScramMechanism.SCRAM_SHA_256, secret.serverKey(), authMessage);
        exchange.sendRequest(AUTH_REQ_SASL_FIN, ("v=" + Base64.getEncoder().encodeToString(signature))
                .getBytes(StandardCharsets.US_ASCII));
    }

    /** scram_mock_salt(): a salt a nonexistent role always gets (for this server start). */
    private Passwords.ScramSecret mockSecret(String user) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(user.getBytes(StandardCharsets.UTF_8));
        sha.update(mockNonce);
        byte[] salt = java.util.Arrays.copyOf(sha.digest(), Passwords.SCRAM_SALT_LENGTH);
        return new Passwords.ScramSecret(Passwords.SCRAM_ITERATIONS, salt, randomBytes(32), randomBytes(32));
    }

    /** tls-server-end-point (RFC 5929): the server certificate's hash, SHA-256 at least. */
    static byte[] endPointHash(byte[] der) throws Exception {
        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(der));
        return TlsServerEndpoint.getChannelBindingData(cert);
    }

    static PgException protocol(String message, String detail) {
        return new PgException(ErrorSeverity.FATAL, SqlState.PROTOCOL_VIOLATION, message, detail, null, 0, null, null);
    }

    private static PgException unsupported(String message) {
        return PgException.fatal(SqlState.FEATURE_NOT_SUPPORTED, message);
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static String cstring(ByteBuffer in) {
        int start = in.position();
        while (in.hasRemaining() && in.get() != 0) { }
        if (in.position() == start || in.get(in.position() - 1) != 0) throw protocol("invalid SASL initial response", null);
        return new String(in.array(), start, in.position() - start - 1, StandardCharsets.UTF_8);
    }

    /**
     * A cursor over a SCRAM message with PostgreSQL's attribute readers (auth-scram.c
     * read_attr_value(), read_any_attr(), sanitize_char()), so that malformed input gets the
     * same message and detail.
     */
    static final class Reader {
        private final String s;
        private int i;

        Reader(String s) { this.s = s; }

        boolean atEnd() { return i >= s.length(); }

        char peek() { return atEnd() ? '\0' : s.charAt(i); }

        void skip() { i++; }

        String rest() { return s.substring(i); }

        int position() { return i; }

        String upTo(int position) { return s.substring(0, position); }

        /** read_attr_value(): "attr=value" then a comma or the end. */
        String attr(char attr) {
            if (peek() != attr) {
                throw malformed("Expected attribute \"" + attr + "\" but found \"" + sanitize(peek()) + "\".");
            }
            i++;
            if (peek() != '=') throw malformed("Expected character \"=\" for attribute \"" + attr + "\".");
            i++;
            return value();
        }

        /** read_any_attr(): any "x=value"; returns x, the value is consumed. */
        char anyAttr(StringBuilder valueOut) {
            if (atEnd()) throw malformed("Attribute expected, but found end of string.");
            char attr = s.charAt(i);
            if (!(attr >= 'A' && attr <= 'Z' || attr >= 'a' && attr <= 'z')) {
                throw malformed("Attribute expected, but found invalid character \"" + sanitize(attr) + "\".");
            }
            i++;
            if (peek() != '=') throw malformed("Expected character \"=\" for attribute \"" + attr + "\".");
            i++;
            valueOut.setLength(0);
            valueOut.append(value());
            return attr;
        }

        private String value() {
            int comma = s.indexOf(',', i);
            String v = comma < 0 ? s.substring(i) : s.substring(i, comma);
            i = comma < 0 ? s.length() : comma + 1;
            return v;
        }

        /** sanitize_char(): 'c' for a printable character, 0xNN otherwise. */
        static String sanitize(char c) {
            return c >= 0x21 && c <= 0x7e ? "'" + c + "'" : String.format("0x%02x", (int) c);
        }

        static PgException malformed(String detail) {
            return protocol("malformed SCRAM message", detail);
        }
    }

    /** client-first-message = gs2-header client-first-message-bare (read_client_first_message()). */
    record ClientFirst(char flag, String gs2Header, String bare, String nonce) {
        static ClientFirst parse(String s, boolean plus, boolean plusOffered) {
            if (s.isEmpty()) throw Reader.malformed("The message is empty.");
            Reader r = new Reader(s);
            char flag = r.peek();
            switch (flag) {
                case 'n', 'y' -> {
                    if (plus) throw cbindMissing();
                    if (flag == 'y' && plusOffered) {
                        throw new PgException(ErrorSeverity.FATAL, SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                                "SCRAM channel binding negotiation error", "The client supports SCRAM channel binding "
                                + "but thinks the server does not.  However, this server does support channel binding.",
                                null, 0, null, null);
                    }
                    r.skip();
                    if (r.peek() != ',') {
                        throw Reader.malformed("Comma expected, but found character \"" + Reader.sanitize(r.peek()) + "\".");
                    }
                    r.skip();
                }
                case 'p' -> {
                    if (!plus) {
                        throw Reader.malformed("The client selected SCRAM-SHA-256 without channel binding, but the SCRAM "
                                + "message includes channel binding data.");
                    }
                    String type = r.attr('p');
                    if (!type.equals("tls-server-end-point")) {
                        throw protocol("unsupported SCRAM channel-binding type \"" + type + "\"", null);
                    }
                }
                default -> throw Reader.malformed("Unexpected channel-binding flag \"" + Reader.sanitize(flag) + "\".");
            }
            if (r.peek() == 'a') throw unsupported("client uses authorization identity, but it is not supported");
            if (r.peek() != ',') {
                throw Reader.malformed("Unexpected attribute \"" + Reader.sanitize(r.peek()) + "\" in client-first-message.");
            }
            r.skip();
            String gs2 = r.upTo(r.position());
            String bare = r.rest();
            if (r.peek() == 'm') throw unsupported("client requires an unsupported SCRAM extension");
            r.attr('n'); // the user name in the message is ignored: the startup packet's counts
            String nonce = r.attr('r');
            StringBuilder ignored = new StringBuilder();
            while (!r.atEnd()) r.anyAttr(ignored); // extensions are read and ignored
            return new ClientFirst(flag, gs2, bare, nonce);
        }

        private static PgException cbindMissing() {
            return Reader.malformed("The client selected SCRAM-SHA-256-PLUS, but the SCRAM message does not include "
                    + "channel binding data.");
        }
    }

    /** client-final-message = c=cbind,r=nonce[,extensions],p=proof (read_client_final_message()). */
    record ClientFinal(String channelBinding, String nonce, String withoutProof, byte[] proof) {
        static ClientFinal parse(String s) {
            Reader r = new Reader(s);
            String cbind = r.attr('c');
            String nonce = r.attr('r');
            StringBuilder value = new StringBuilder();
            int proofAt;
            char attr;
            do {
                proofAt = r.position();
                attr = r.anyAttr(value);
            } while (attr != 'p');
            byte[] proof;
            try {
                proof = Base64.getDecoder().decode(value.toString());
            } catch (IllegalArgumentException e) {
                proof = new byte[0];
            }
            if (proof.length != 32) throw Reader.malformed("Malformed proof in client-final-message.");
            if (!r.atEnd()) throw Reader.malformed("Garbage found at the end of client-final-message.");
            return new ClientFinal(cbind, nonce, s.substring(0, Math.max(0, proofAt - 1)), proof);
        }
    }
}
