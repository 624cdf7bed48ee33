package org.pgkernel.wire.internal.message;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * PostgreSQL's names for the Java charsets a client encoding maps to (the kernel's
 * {@link org.pgkernel.kernel.api.Encodings}), and the byte dumps its encoding errors print (cf. mbutils.c
 * report_invalid_encoding()).
 */
public final class PgEncodings {
    private PgEncodings() { }

    /** PostgreSQL's name of the encoding, e.g. "UTF8" for UTF-8, "LATIN1" for ISO-8859-1. */
    public static String pgName(Charset charset) {
        return org.pgkernel.kernel.api.Encodings.pgName(charset);
    }

    /**
     * The length in bytes of the character that starts with {@code firstByte}, as
     * pg_encoding_mblen() computes it (only UTF-8 has multibyte characters we model; every
     * other encoding counts 1).
     */
    public static int mbLength(Charset charset, int firstByte) {
        if (!StandardCharsets.UTF_8.equals(charset)) return 1;
        int b = firstByte & 0xFF;
        if ((b & 0x80) == 0) return 1;
        if ((b & 0xE0) == 0xC0) return 2;
        if ((b & 0xF0) == 0xE0) return 3;
        if ((b & 0xF8) == 0xF0) return 4;
        return 1;
    }

    /** "0xc3 0x28": the bytes as PostgreSQL's encoding error messages print them. */
    public static String hexBytes(byte[] bytes, int offset, int length) {
        StringBuilder sb = new StringBuilder(length * 5);
        for (int i = 0; i < length; i++) {
            if (i > 0) sb.append(' ');
            sb.append(String.format(Locale.ROOT, "0x%02x", bytes[offset + i] & 0xFF));
        }
        return sb.toString();
    }
}
