package org.pgkernel.sql.internal.types;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * PostgreSQL's encoding names and numbers (pg_wchar.h's pg_enc, encnames.c): pg_database
 * stores the number, statements and clients use the name.
 */
public final class Encodings {
    private Encodings() { }

    /** By number; 0 to 34 may be server encodings, the rest are client-only. */
    private static final List<String> NAMES = List.of("SQL_ASCII", "EUC_JP", "EUC_CN", "EUC_KR", "EUC_TW", "EUC_JIS_2004",
            "UTF8", "MULE_INTERNAL", "LATIN1", "LATIN2", "LATIN3", "LATIN4", "LATIN5", "LATIN6", "LATIN7", "LATIN8", "LATIN9",
            "LATIN10", "WIN1256", "WIN1258", "WIN866", "WIN874", "KOI8R", "WIN1251", "WIN1252", "ISO_8859_5", "ISO_8859_6",
            "ISO_8859_7", "ISO_8859_8", "WIN1250", "WIN1253", "WIN1254", "WIN1255", "WIN1257", "KOI8U", "SJIS", "BIG5", "GBK",
            "UHC", "GB18030", "JOHAB", "SHIFT_JIS_2004");
    private static final int LAST_SERVER_ENCODING = 34;

    /** Aliases (encnames.c pg_encname_tbl), cleaned as clean_encoding_name() cleans them. */
    private static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("unicode", "UTF8"), Map.entry("iso88591", "LATIN1"), Map.entry("iso88592", "LATIN2"),
            Map.entry("iso88593", "LATIN3"), Map.entry("iso88594", "LATIN4"), Map.entry("iso88599", "LATIN5"),
            Map.entry("iso885910", "LATIN6"), Map.entry("iso885913", "LATIN7"), Map.entry("iso885914", "LATIN8"),
            Map.entry("iso885915", "LATIN9"), Map.entry("iso885916", "LATIN10"), Map.entry("win", "WIN1251"),
            Map.entry("alt", "WIN866"), Map.entry("koi8", "KOI8R"), Map.entry("mskanji", "SJIS"),
            Map.entry("shiftjis", "SJIS"), Map.entry("tcvn", "WIN1258"), Map.entry("tcvn5712", "WIN1258"),
            Map.entry("vscii", "WIN1258"), Map.entry("abc", "WIN1258"), Map.entry("korean", "EUC_KR"));

    /** clean_encoding_name(): lower case, letters and digits only. */
    private static String clean(String name) {
        StringBuilder b = new StringBuilder();
        for (char c : name.toCharArray()) {
            if (Character.isLetterOrDigit(c) && c < 0x80) b.append(Character.toLowerCase(c));
        }
        return b.toString();
    }

    /** pg_char_to_encoding(): the number of an encoding name or alias, -1 when there is none. */
    public static int number(String name) {
        String c = clean(name);
        String alias = ALIASES.get(c);
        if (alias != null) return NAMES.indexOf(alias);
        if (c.startsWith("windows") && NAMES.contains("WIN" + c.substring(7))) return NAMES.indexOf("WIN" + c.substring(7));
        for (int i = 0; i < NAMES.size(); i++) {
            if (clean(NAMES.get(i)).equals(c)) return i;
        }
        return -1;
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

    /** The canonical name of a name or alias, or null. */
    public static String canonical(String name) {
        int n = number(name);
        return n < 0 ? null : NAMES.get(n).toUpperCase(Locale.ROOT);
    }
}
