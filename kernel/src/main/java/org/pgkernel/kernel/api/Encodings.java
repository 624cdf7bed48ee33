package org.pgkernel.kernel.api;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * PostgreSQL's encodings in one place (pg_wchar.h's pg_enc, encnames.c's pg_enc2name_tbl and
 * pg_encname_tbl): numbers, canonical names, aliases, and the Java charset each one converts
 * with. The settings (client_encoding), the SQL functions and pg_database, the backend and
 * the wire all use this table.
 */
public final class Encodings {
    private Encodings() { }

    /** By number; 0 to {@value #LAST_SERVER_ENCODING} may be server encodings, the rest are client-only. */
    private static final List<String> NAMES = List.of("SQL_ASCII", "EUC_JP", "EUC_CN", "EUC_KR", "EUC_TW", "EUC_JIS_2004",
            "UTF8", "MULE_INTERNAL", "LATIN1", "LATIN2", "LATIN3", "LATIN4", "LATIN5", "LATIN6", "LATIN7", "LATIN8", "LATIN9",
            "LATIN10", "WIN1256", "WIN1258", "WIN866", "WIN874", "KOI8R", "WIN1251", "WIN1252", "ISO_8859_5", "ISO_8859_6",
            "ISO_8859_7", "ISO_8859_8", "WIN1250", "WIN1253", "WIN1254", "WIN1255", "WIN1257", "KOI8U", "SJIS", "BIG5", "GBK",
            "UHC", "GB18030", "JOHAB", "SHIFT_JIS_2004");
    private static final int LAST_SERVER_ENCODING = 34;

    /** The Java charset of each encoding Java knows; SQL_ASCII passes bytes as the server's UTF-8. */
    private static final Map<String, String> JAVA = Map.ofEntries(
            Map.entry("SQL_ASCII", "UTF-8"), Map.entry("UTF8", "UTF-8"),
            Map.entry("LATIN1", "ISO-8859-1"), Map.entry("LATIN2", "ISO-8859-2"), Map.entry("LATIN3", "ISO-8859-3"),
            Map.entry("LATIN4", "ISO-8859-4"), Map.entry("LATIN5", "ISO-8859-9"), Map.entry("LATIN6", "ISO-8859-10"),
            Map.entry("LATIN7", "ISO-8859-13"), Map.entry("LATIN8", "ISO-8859-14"), Map.entry("LATIN9", "ISO-8859-15"),
            Map.entry("LATIN10", "ISO-8859-16"), Map.entry("ISO_8859_5", "ISO-8859-5"), Map.entry("ISO_8859_6", "ISO-8859-6"),
            Map.entry("ISO_8859_7", "ISO-8859-7"), Map.entry("ISO_8859_8", "ISO-8859-8"),
            Map.entry("WIN1250", "windows-1250"), Map.entry("WIN1251", "windows-1251"), Map.entry("WIN1252", "windows-1252"),
            Map.entry("WIN1253", "windows-1253"), Map.entry("WIN1254", "windows-1254"), Map.entry("WIN1255", "windows-1255"),
            Map.entry("WIN1256", "windows-1256"), Map.entry("WIN1257", "windows-1257"), Map.entry("WIN1258", "windows-1258"),
            Map.entry("WIN866", "IBM866"), Map.entry("KOI8R", "KOI8-R"), Map.entry("KOI8U", "KOI8-U"),
            Map.entry("EUC_JP", "EUC-JP"), Map.entry("EUC_KR", "EUC-KR"), Map.entry("SJIS", "Shift_JIS"),
            Map.entry("GBK", "GBK"), Map.entry("GB18030", "GB18030"), Map.entry("BIG5", "Big5"), Map.entry("UHC", "x-windows-949"));

    /** Aliases (pg_encname_tbl), cleaned as clean_encoding_name() cleans them; canonical names match themselves. */
    private static final Map<String, String> BY_CLEAN_NAME = new HashMap<>();
    /** Java charset name → PostgreSQL name, for messages (US-ASCII is what SQL_ASCII means there). */
    private static final Map<String, String> BY_CHARSET = new HashMap<>();

    static {
        for (String n : NAMES) BY_CLEAN_NAME.put(clean(n), n);
        String[][] aliases = {
            {"abc", "WIN1258"}, {"alt", "WIN866"}, {"iso88591", "LATIN1"}, {"iso885910", "LATIN6"},
            {"iso885913", "LATIN7"}, {"iso885914", "LATIN8"}, {"iso885915", "LATIN9"}, {"iso885916", "LATIN10"},
            {"iso88592", "LATIN2"}, {"iso88593", "LATIN3"}, {"iso88594", "LATIN4"}, {"iso88599", "LATIN5"},
            {"koi8", "KOI8R"}, {"korean", "EUC_KR"}, {"mskanji", "SJIS"}, {"shiftjis", "SJIS"}, {"tcvn", "WIN1258"},
            {"tcvn5712", "WIN1258"}, {"unicode", "UTF8"}, {"vscii", "WIN1258"}, {"win", "WIN1251"}, {"win932", "SJIS"},
            {"win936", "GBK"}, {"win949", "UHC"}, {"win950", "BIG5"}, {"windows1250", "WIN1250"},
            {"windows1251", "WIN1251"}, {"windows1252", "WIN1252"}, {"windows1253", "WIN1253"},
            {"windows1254", "WIN1254"}, {"windows1255", "WIN1255"}, {"windows1256", "WIN1256"},
            {"windows1257", "WIN1257"}, {"windows1258", "WIN1258"}, {"windows866", "WIN866"}, {"windows874", "WIN874"},
            {"windows932", "SJIS"}, {"windows936", "GBK"}, {"windows949", "UHC"}, {"windows950", "BIG5"}};
        for (String[] a : aliases) BY_CLEAN_NAME.put(a[0], a[1]);
        JAVA.forEach((pg, java) -> { if (!pg.equals("SQL_ASCII")) BY_CHARSET.put(java, pg); });
        BY_CHARSET.put("US-ASCII", "SQL_ASCII");
    }

    /** clean_encoding_name(): lower case, ASCII letters and digits only. */
    private static String clean(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        for (char c : name.toCharArray()) {
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) sb.append(c);
            else if (c >= 'A' && c <= 'Z') sb.append((char) (c + 32));
        }
        return sb.toString();
    }

    /** The canonical name of an encoding name or alias ("utf-8" is "UTF8"), or null when unknown. */
    public static String canonical(String name) {
        return name == null ? null : BY_CLEAN_NAME.get(clean(name));
    }

    /** pg_char_to_encoding(): the number of an encoding name or alias, -1 when there is none. */
    public static int number(String name) {
        String c = canonical(name);
        return c == null ? -1 : NAMES.indexOf(c);
    }

    /** pg_valid_server_encoding(): like {@link #number} but -1 for client-only encodings. */
    public static int serverNumber(String name) {
        int n = number(name);
        return n > LAST_SERVER_ENCODING ? -1 : n;
    }

    /** pg_encoding_to_char(): the canonical name, "" for an unknown number. */
    public static String name(int number) {
        return number >= 0 && number < NAMES.size() ? NAMES.get(number) : "";
    }

    /** Whether a number is a server encoding. */
    public static boolean isServerEncoding(int number) {
        return number >= 0 && number <= LAST_SERVER_ENCODING;
    }

    /** The Java charset an encoding name or alias converts with; UTF-8 for SQL_ASCII and for encodings Java lacks. */
    public static Charset charset(String name) {
        String java = JAVA.get(canonical(name));
        if (java == null) return StandardCharsets.UTF_8;
        try {
            return Charset.forName(java);
        } catch (IllegalArgumentException e) {
            return StandardCharsets.UTF_8;
        }
    }

    /** PostgreSQL's name of a Java charset, e.g. "LATIN1" for ISO-8859-1 (the charset's name upper-cased when none). */
    public static String pgName(Charset charset) {
        String n = BY_CHARSET.get(charset.name());
        return n != null ? n : charset.name().toUpperCase(Locale.ROOT);
    }
}
