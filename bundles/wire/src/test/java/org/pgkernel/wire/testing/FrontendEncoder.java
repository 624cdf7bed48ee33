package org.pgkernel.wire.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** A test-side frontend: the bytes a client sends, built independently of the server's code. */
public final class FrontendEncoder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public static FrontendEncoder frontend() {
        return new FrontendEncoder();
    }

    public byte[] bytes() {
        return out.toByteArray();
    }

    public FrontendEncoder raw(byte... b) {
        out.writeBytes(b);
        return this;
    }

    public FrontendEncoder int32(int v) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(v).array());
        return this;
    }

    public FrontendEncoder sslRequest() {
        return int32(8).int32(80877103);
    }

    public FrontendEncoder gssEncRequest() {
        return int32(8).int32(80877104);
    }

    public FrontendEncoder cancelRequest(int pid, int key) {
        return int32(16).int32(80877102).int32(pid).int32(key);
    }

    public FrontendEncoder startup(int version, Map<String, String> params) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(ByteBuffer.allocate(4).putInt(version).array());
        params.forEach((k, v) -> {
            body.writeBytes(cstring(k));
            body.writeBytes(cstring(v));
        });
        body.write(0);
        int32(body.size() + 4);
        out.writeBytes(body.toByteArray());
        return this;
    }

    /** A typed message: type, Int32 length, body. */
    public FrontendEncoder message(char type, byte[] body) {
        out.write(type);
        int32(body.length + 4);
        out.writeBytes(body);
        return this;
    }

    public FrontendEncoder query(String sql) {
        return message('Q', cstring(sql));
    }

    public FrontendEncoder sync() {
        return message('S', new byte[0]);
    }

    public FrontendEncoder terminate() {
        return message('X', new byte[0]);
    }

    public static byte[] cstring(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] c = new byte[b.length + 1];
        System.arraycopy(b, 0, c, 0, b.length);
        return c;
    }

    /** Concatenates byte arrays. */
    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) o.writeBytes(p);
        return o.toByteArray();
    }

    /** A body built from ints (with their size) and strings. */
    public static final class Body {
        private final ByteArrayOutputStream b = new ByteArrayOutputStream();

        public static Body body() {
            return new Body();
        }

        public Body str(String s) {
            b.writeBytes(cstring(s));
            return this;
        }

        public Body i8(int v) {
            b.write(v);
            return this;
        }

        public Body i16(int v) {
            b.writeBytes(ByteBuffer.allocate(2).putShort((short) v).array());
            return this;
        }

        public Body i32(int v) {
            b.writeBytes(ByteBuffer.allocate(4).putInt(v).array());
            return this;
        }

        public Body bytes(byte[] v) {
            b.writeBytes(v);
            return this;
        }

        public byte[] build() {
            return b.toByteArray();
        }
    }
}
