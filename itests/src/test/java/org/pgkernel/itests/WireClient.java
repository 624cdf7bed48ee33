package org.pgkernel.itests;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A frontend that speaks protocol 3.0 by hand over TCP (plain or TLS), one message at a time,
 * for tests that must act between two messages of an exchange (stop a method bundle while a
 * client is half-way through its SCRAM or md5 exchange) or send what no driver sends (malformed
 * SCRAM messages, an empty password). It
 * computes the client's side of SCRAM-SHA-256 (RFC 5802/7677, no channel binding, ASCII
 * passwords, for which SASLprep changes nothing) and of md5 itself. Reads time out after
 * {@value #READ_TIMEOUT_MS} ms, so a server that never answers fails the test.
 */
final class WireClient implements AutoCloseable {
    static final int READ_TIMEOUT_MS = 10_000;

    /** One backend message: its type byte and body. */
    record Message(char type, byte[] body) {
        /** The request code of an Authentication ('R') message. */
        int authCode() {
            if (type != 'R') throw new AssertionError("expected an Authentication message, got " + this);
            return ByteBuffer.wrap(body).getInt();
        }

        /** The body after the request code of an Authentication message. */
        byte[] authData() {
            byte[] d = new byte[body.length - 4];
            System.arraycopy(body, 4, d, 0, d.length);
            return d;
        }

        /** The fields of an ErrorResponse ('E'): code letter → value. */
        Map<Character, String> errorFields() {
            Map<Character, String> f = new LinkedHashMap<>();
            int i = 0;
            while (i < body.length && body[i] != 0) {
                char code = (char) body[i++];
                int end = i;
                while (body[end] != 0) end++;
                f.put(code, new String(body, i, end - i, StandardCharsets.UTF_8));
                i = end + 1;
            }
            return f;
        }

        @Override
        public String toString() {
            return type == 'E' ? "ErrorResponse " + errorFields() : "message '" + type + "' of " + body.length + " bytes";
        }
    }

    /** SSLRequest's request code (1234.5679). */
    private static final int SSL_REQUEST_CODE = 80877103;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private WireClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    static WireClient connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MS);
        s.setSoTimeout(READ_TIMEOUT_MS);
        return new WireClient(s);
    }

    /**
     * Connects over TLS as libpq's sslmode=verify-full does: SSLRequest, 'S', then a handshake
     * that checks the server's certificate against {@code ca} and the name "localhost". No client
     * certificate.
     */
    static WireClient connectTls(int port, X509Certificate ca) throws IOException, GeneralSecurityException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MS);
        s.setSoTimeout(READ_TIMEOUT_MS);
        s.getOutputStream().write(ByteBuffer.allocate(8).putInt(8).putInt(SSL_REQUEST_CODE).array());
        int answer = s.getInputStream().read();
        if (answer != 'S') {
            s.close();
            throw new AssertionError("SSLRequest answered " + answer + ", expected 'S'");
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(s, "localhost", port, true);
        SSLParameters params = tls.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(params);
        tls.startHandshake();
        return new WireClient(tls);
    }

    /** SASLInitialResponse: the mechanism and the client-first-message as given, however malformed. */
    void saslInitialResponse(String mechanism, String clientFirst) throws IOException {
        byte[] first = clientFirst.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        cstring(b, mechanism);
        b.writeBytes(ByteBuffer.allocate(4).putInt(first.length).array());
        b.writeBytes(first);
        send('p', b.toByteArray());
    }

    /** SASLResponse: the text as given. */
    void saslResponse(String text) throws IOException {
        send('p', text.getBytes(StandardCharsets.UTF_8));
    }

    /** StartupMessage, protocol 3.0. */
    void startup(String user, String database) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {0, 3, 0, 0});
        for (String s : List.of("user", user, "database", database)) cstring(b, s);
        b.write(0);
        byte[] body = b.toByteArray();
        out.write(ByteBuffer.allocate(4).putInt(body.length + 4).array());
        out.write(body);
        out.flush();
    }

    Message read() throws IOException {
        char type = (char) in.readUnsignedByte();
        int len = in.readInt();
        byte[] body = new byte[len - 4];
        in.readFully(body);
        return new Message(type, body);
    }

    /** Reads until ReadyForQuery; fails on an ErrorResponse. */
    void readUntilReady() throws IOException {
        for (;;) {
            Message m = read();
            if (m.type() == 'E') throw new AssertionError("server error: " + m);
            if (m.type() == 'Z') return;
        }
    }

    /** A simple query returning one text value: the first column of the first row. */
    String queryOne(String sql) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        cstring(b, sql);
        send('Q', b.toByteArray());
        String value = null;
        for (;;) {
            Message m = read();
            if (m.type() == 'E') throw new AssertionError("server error: " + m);
            if (m.type() == 'D' && value == null) {
                ByteBuffer d = ByteBuffer.wrap(m.body());
                d.getShort();
                int len = d.getInt();
                byte[] v = new byte[len];
                d.get(v);
                value = new String(v, StandardCharsets.UTF_8);
            }
            if (m.type() == 'Z') return value;
        }
    }

    /** PasswordMessage / SASLInitialResponse / SASLResponse: all are type 'p'. */
    void send(char type, byte[] body) throws IOException {
        out.write(type);
        out.write(ByteBuffer.allocate(4).putInt(body.length + 4).array());
        out.write(body);
        out.flush();
    }

    /** Terminate and close. */
    @Override
    public void close() throws IOException {
        try {
            if (!socket.isClosed()) send('X', new byte[0]);
        } catch (IOException ignored) {
            // the server may have closed already
        } finally {
            socket.close();
        }
    }

    /** True when the server closed the connection (EOF on the next read). */
    boolean closedByServer() throws IOException {
        try {
            read();
            return false;
        } catch (EOFException e) {
            return true;
        }
    }

    private static void cstring(ByteArrayOutputStream b, String s) {
        b.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        b.write(0);
    }

    // ------------------------------------------------------------------ md5

    /** The PasswordMessage body for AuthenticationMD5Password's salt: "md5" + md5(md5(password + user) + salt). */
    static byte[] md5Response(String user, String password, byte[] salt) throws GeneralSecurityException {
        MessageDigest md = MessageDigest.getInstance("MD5");
        String inner = HexFormat.of().formatHex(md.digest((password + user).getBytes(StandardCharsets.UTF_8)));
        md.update(inner.getBytes(StandardCharsets.US_ASCII));
        md.update(salt);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        cstring(b, "md5" + HexFormat.of().formatHex(md.digest()));
        return b.toByteArray();
    }

    // ------------------------------------------------------------------ SCRAM-SHA-256

    /** The client side of one SCRAM-SHA-256 exchange (no channel binding: gs2 header "n,,"). */
    static final class Scram {
        private final String password;
        private final String clientNonce;
        private final String clientFirstBare;
        private String authMessage;
        private byte[] saltedPassword;

        Scram(String password) {
            byte[] n = new byte[18];
            new SecureRandom().nextBytes(n);
            this.password = password;
            this.clientNonce = Base64.getEncoder().encodeToString(n);
            this.clientFirstBare = "n=,r=" + clientNonce;
        }

        /** SASLInitialResponse body: mechanism, length, client-first-message. */
        byte[] initialResponse() {
            byte[] first = ("n,," + clientFirstBare).getBytes(StandardCharsets.US_ASCII);
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            cstring(b, "SCRAM-SHA-256");
            b.writeBytes(ByteBuffer.allocate(4).putInt(first.length).array());
            b.writeBytes(first);
            return b.toByteArray();
        }

        /** SASLResponse body (client-final-message) for the server-first-message. */
        byte[] finalResponse(byte[] serverFirst) throws GeneralSecurityException {
            String sf = new String(serverFirst, StandardCharsets.US_ASCII);
            Map<String, String> attrs = attributes(sf);
            String nonce = attrs.get("r");
            if (nonce == null || !nonce.startsWith(clientNonce)) throw new AssertionError("bad server nonce in " + sf);
            saltedPassword = pbkdf2(password, Base64.getDecoder().decode(attrs.get("s")), Integer.parseInt(attrs.get("i")));
            String withoutProof = "c=biws,r=" + nonce;
            authMessage = clientFirstBare + "," + sf + "," + withoutProof;
            byte[] clientKey = hmac(saltedPassword, "Client Key");
            byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
            byte[] signature = hmac(storedKey, authMessage);
            byte[] proof = new byte[clientKey.length];
            for (int i = 0; i < proof.length; i++) proof[i] = (byte) (clientKey[i] ^ signature[i]);
            return (withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof)).getBytes(StandardCharsets.US_ASCII);
        }

        /** Whether the server-final-message proves the server knows the secret (v = ServerSignature). */
        boolean verifyServerFinal(byte[] serverFinal) throws GeneralSecurityException {
            String v = attributes(new String(serverFinal, StandardCharsets.US_ASCII)).get("v");
            byte[] expected = hmac(hmac(saltedPassword, "Server Key"), authMessage);
            return v != null && MessageDigest.isEqual(expected, Base64.getDecoder().decode(v));
        }

        private static Map<String, String> attributes(String msg) {
            Map<String, String> m = new LinkedHashMap<>();
            List<String> parts = new ArrayList<>(List.of(msg.split(",")));
            for (String p : parts) if (p.length() >= 2 && p.charAt(1) == '=') m.put(p.substring(0, 1), p.substring(2));
            return m;
        }

        private static byte[] pbkdf2(String password, byte[] salt, int iterations) throws GeneralSecurityException {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
        }

        private static byte[] hmac(byte[] key, String data) throws GeneralSecurityException {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        }
    }
}
