package org.pgkernel.wire.internal.message;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * PostgreSQL's names for the Java charsets a client encoding maps to (cf. encnames.c
 * pg_enc2name_tbl), and the byte dumps its encoding errors print (cf. mbutils.c
 * report_invalid_encoding()).
 */
public final class PgEncodings {
    private static final Map<String, String> PG_NAMES = Map.ofEntries(
            Map.entry("UTF-8", "UTF8"),
            Map.entry("US-ASCII", "SQL_ASCII"),
            Map.entry("ISO-8859-1", "LATIN1"),
            Map.entry("ISO-8859-2", "LATIN2"),
            Map.entry("ISO-8859-3", "LATIN3"),
            Map.entry("ISO-8859-4", "LATIN4"),
            Map.entry("ISO-8859-9", "LATIN5"),
            Map.entry("ISO-8859-10", "LATIN6"),
            Map.entry("ISO-8859-13", "LATIN7"),
            Map.entry("ISO-8859-14", "LATIN8"),
            Map.entry("ISO-8859-15", "LATIN9"),
            Map.entry("ISO-8859-16", "LATIN10"),
            Map.entry("ISO-8859-5", "ISO_8859_5"),
            Map.entry("ISO-8859-6", "ISO_8859_6"),
            Map.entry("ISO-8859-7", "ISO_8859_7"),
            Map.entry("ISO-8859-8", "ISO_8859_8"),
            Map.entry("windows-1250", "WIN1250"),
            Map.entry("windows-1251", "WIN1251"),
            Map.entry("windows-1252", "WIN1252"),
            Map.entry("windows-1253", "WIN1253"),
            Map.entry("windows-1254", "WIN1254"),
            Map.entry("windows-1255", "WIN1255"),
            Map.entry("windows-1256", "WIN1256"),
            Map.entry("windows-1257", "WIN1257"),
            Map.entry("windows-1258", "WIN1258"),
            Map.entry("KOI8-R", "KOI8R"),
            Map.entry("KOI8-U", "KOI8U"),
            Map.entry("EUC-JP", "EUC_JP"),
            Map.entry("EUC-KR", "EUC_KR"),
            Map.entry("Shift_JIS", "SJIS"),
            Map.entry("GBK", "GBK"),
            Map.entry("GB18030", "GB18030"),
            Map.entry("Big5", "BIG5"));

    private PgEncodings() { }

    /** PostgreSQL's name of the encoding, e.g. "UTF8" for UTF-8, "LATIN1" for ISO-8859-1. */
    public static String pgName(Charset charset) {
        String n = PG_NAMES.get(charset.name());
        return n != null ? n : charset.name().toUpperCase(Locale.ROOT);
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
