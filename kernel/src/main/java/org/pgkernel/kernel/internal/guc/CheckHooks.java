package org.pgkernel.kernel.internal.guc;

import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The check hooks of the string settings whose values PostgreSQL validates or canonicalises
 * (cf. variable.c check_datestyle(), check_timezone(), check_client_encoding(),
 * guc.c check_application_name(), namespace.c check_search_path()). Each takes the text
 * given and returns the value to store, or throws 22023 {@code invalid value for parameter}.
 */
final class CheckHooks {

    private CheckHooks() { }

    static String check(Setting s, String value, GucValues.Context ctx) {
        if (value == null) return null;
        return switch (s.name) {
            case "DateStyle" -> dateStyle(s.name, value, ctx);
            case "TimeZone", "log_timezone" -> timeZone(s.name, value);
            case "client_encoding" -> clientEncoding(s.name, value);
            case "application_name", "cluster_name" -> cleanAscii(value);
            case "search_path", "temp_tablespaces" -> {
                if (splitIdentifiers(value) == null) {
                    throw GucValues.invalidValue(s.name, value).withDetail("List syntax is invalid.");
                }
                yield value;
            }
            default -> value;
        };
    }

    // ---- DateStyle ----------------------------------------------------------------------

    /** "ISO, MDY" style output; keywords not given keep the current value's (GERMAN implies DMY unless an order is given). */
    static String dateStyle(String name, String value, GucValues.Context ctx) {
        List<String> tokens = splitIdentifiers(value);
        if (tokens == null) throw GucValues.invalidValue(name, value).withDetail("List syntax is invalid.");
        String current = ctx.current("DateStyle");
        if (current == null) current = "ISO, MDY";
        String[] cur = current.split(", ");
        String style = cur[0];
        String order = cur.length > 1 ? cur[1] : "MDY";
        boolean haveStyle = false, haveOrder = false, ok = true;
        for (String tok : tokens) {
            String t = tok.toLowerCase(Locale.ROOT);
            String newStyle = null, newOrder = null;
            switch (t) {
                case "iso" -> newStyle = "ISO";
                case "sql" -> newStyle = "SQL";
                case "postgres" -> newStyle = "Postgres";
                case "german" -> newStyle = "German";
                case "ymd" -> newOrder = "YMD";
                case "dmy" -> newOrder = "DMY";
                case "mdy", "us" -> newOrder = "MDY";
                case "default" -> {
                    String reset = ctx.reset("DateStyle");
                    String[] r = (reset == null ? "ISO, MDY" : reset).split(", ");
                    if (!haveStyle) style = r[0];
                    if (!haveOrder) order = r.length > 1 ? r[1] : "MDY";
                    continue;
                }
                default -> {
                    if (t.startsWith("euro")) newOrder = "DMY";
                    else if (t.startsWith("noneuro")) newOrder = "MDY";
                    else throw GucValues.invalidValue(name, value).withDetail("Unrecognized key word: \"" + tok + "\".");
                }
            }
            if (newStyle != null) {
                if (haveStyle && !style.equals(newStyle)) ok = false;
                style = newStyle;
                haveStyle = true;
                if (newStyle.equals("German") && !haveOrder) order = "DMY";
            } else {
                if (haveOrder && !order.equals(newOrder)) ok = false;
                order = newOrder;
                haveOrder = true;
            }
        }
        if (!ok) throw GucValues.invalidValue(name, value).withDetail("Conflicting \"datestyle\" specifications.");
        return style + ", " + order;
    }

    // ---- TimeZone -----------------------------------------------------------------------

    private static volatile Map<String, String> zonesByLowerName;

    private static Map<String, String> zones() {
        Map<String, String> z = zonesByLowerName;
        if (z == null) {
            z = new HashMap<>();
            for (String id : ZoneId.getAvailableZoneIds()) z.put(id.toLowerCase(Locale.ROOT), id);
            z.put("utc", "UTC");
            z.put("gmt", "GMT");
            zonesByLowerName = z;
        }
        return z;
    }

    /** A time zone name as PostgreSQL prints it: a tz database name in its own spelling, "&lt;+03&gt;-03" for a number of hours, or a POSIX spec. */
    static String timeZone(String name, String value) {
        int[] end = new int[1];
        double hours = GucValues.strtod(value, end);
        if (end[0] != 0 && end[0] == value.length()) {
            if (Double.isNaN(hours) || Math.abs(hours) > 18) throw GucValues.invalidValue(name, value);
            long gmtoffset = Math.round(-hours * 3600);
            return offsetName(gmtoffset);
        }
        String known = zones().get(value.toLowerCase(Locale.ROOT));
        if (known != null) return known;
        if (posixOffset(value) != null) return value;
        throw GucValues.invalidValue(name, value);
    }

    /** cf. pg_tzset_offset(): gmtoffset in seconds west of Greenwich (POSIX sign). */
    private static String offsetName(long gmtoffset) {
        long abs = Math.abs(gmtoffset);
        StringBuilder off = new StringBuilder(String.format(Locale.ROOT, "%02d", abs / 3600));
        abs %= 3600;
        if (abs != 0) {
            off.append(String.format(Locale.ROOT, ":%02d", abs / 60));
            abs %= 60;
            if (abs != 0) off.append(String.format(Locale.ROOT, ":%02d", abs));
        }
        return gmtoffset > 0 ? "<-" + off + ">+" + off : "<+" + off + ">-" + off;
    }

    /** The zone java.time uses for a canonical TimeZone value. */
    static ZoneId zoneOf(String canonical) {
        if (canonical == null || canonical.isEmpty()) return ZoneOffset.UTC;
        String known = zones().get(canonical.toLowerCase(Locale.ROOT));
        if (known != null) {
            try {
                return ZoneId.of(known, ZoneId.SHORT_IDS);
            } catch (RuntimeException e) {
                return ZoneOffset.UTC;
            }
        }
        ZoneOffset o = posixOffset(canonical);
        return o != null ? o : ZoneOffset.UTC;
    }

    /**
     * The standard-time offset of a POSIX TZ spec such as "UTC+3" or "&lt;+03&gt;-03" (the
     * sign is west-positive), or null when it is not one. A daylight-saving part is accepted
     * and ignored.
     */
    static ZoneOffset posixOffset(String spec) {
        int i = 0, n = spec.length();
        if (i < n && spec.charAt(i) == '<') {
            int close = spec.indexOf('>');
            if (close < 0 || close < 4) return null;
            i = close + 1;
        } else if (n > 0 && (spec.charAt(0) == '+' || spec.charAt(0) == '-' || Character.isDigit(spec.charAt(0)))) {
            // no zone abbreviation: PostgreSQL accepts a bare POSIX offset such as "+02:00"
        } else {
            while (i < n && Character.isLetter(spec.charAt(i)) && spec.charAt(i) < 128) i++;
            if (i < 3) return null;
        }
        int sign = -1; // POSIX: positive is west of Greenwich
        if (i < n && (spec.charAt(i) == '+' || spec.charAt(i) == '-')) {
            if (spec.charAt(i) == '-') sign = 1;
            i++;
        }
        int[] parts = new int[3];
        int part = 0, digits = 0;
        while (i < n && part < 3) {
            char c = spec.charAt(i);
            if (c >= '0' && c <= '9') {
                parts[part] = parts[part] * 10 + (c - '0');
                digits++;
                if (parts[part] > 167) return null;
                i++;
            } else if (c == ':' && digits > 0) {
                part++;
                digits = 0;
                i++;
            } else {
                break;
            }
        }
        if (part == 0 && digits == 0) return null;
        if (i < n) {
            // a daylight-saving zone name and rules may follow; they must at least start with a name
            char c = spec.charAt(i);
            if (!(c == '<' || Character.isLetter(c))) return null;
        }
        int seconds = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
        if (Math.abs(seconds) > 18 * 3600) return null;
        return ZoneOffset.ofTotalSeconds(seconds);
    }

    // ---- client_encoding ----------------------------------------------------------------

    /** The canonical name of an encoding ("utf-8" is "UTF8"), or null when unknown. */
    static String encodingName(String value) {
        return org.pgkernel.kernel.api.Encodings.canonical(value);
    }

    private static String clientEncoding(String name, String value) {
        String enc = encodingName(value);
        if (enc == null) throw GucValues.invalidValue(name, value);
        return enc;
    }

    // ---- application_name ---------------------------------------------------------------

    /** cf. pg_clean_ascii(): every byte outside printable ASCII becomes '?'. */
    static String cleanAscii(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            int c = b & 0xff;
            sb.append(c < 32 || c > 126 ? '?' : (char) c);
        }
        return sb.toString();
    }

    // ---- lists --------------------------------------------------------------------------

    /**
     * cf. SplitIdentifierString(rawstring, ','): comma-separated identifiers, double-quoted
     * ones with "" for a quote, unquoted ones folded to lower case; null when the syntax is
     * invalid. An empty string is an empty list.
     */
    static List<String> splitIdentifiers(String raw) {
        List<String> out = new ArrayList<>();
        int i = 0, n = raw.length();
        while (i < n && GucValues.isSpace(raw.charAt(i))) i++;
        if (i == n) return out;
        while (true) {
            StringBuilder cur = new StringBuilder();
            if (i < n && raw.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= n) return null;
                    char c = raw.charAt(i);
                    if (c == '"') {
                        if (i + 1 < n && raw.charAt(i + 1) == '"') { cur.append('"'); i += 2; continue; }
                        i++;
                        break;
                    }
                    cur.append(c);
                    i++;
                }
                if (cur.isEmpty()) return null;
                out.add(cur.toString());
            } else {
                int start = i;
                while (i < n && raw.charAt(i) != ',' && !GucValues.isSpace(raw.charAt(i))) i++;
                if (i == start) return null;
                out.add(raw.substring(start, i).toLowerCase(Locale.ROOT));
            }
            while (i < n && GucValues.isSpace(raw.charAt(i))) i++;
            if (i == n) return out;
            if (raw.charAt(i) != ',') return null;
            i++;
            while (i < n && GucValues.isSpace(raw.charAt(i))) i++;
        }
    }

    /** Quotes an identifier when it needs it (cf. quote_identifier()), for flattening SET lists. */
    static String quoteIdentifier(String ident) {
        boolean safe = !ident.isEmpty() && (Character.isLowerCase(ident.charAt(0)) || ident.charAt(0) == '_');
        for (char c : ident.toCharArray()) {
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) safe = false;
        }
        return safe ? ident : "\"" + ident.replace("\"", "\"\"") + "\"";
    }

}
