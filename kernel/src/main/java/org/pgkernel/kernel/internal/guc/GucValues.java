package org.pgkernel.kernel.internal.guc;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.SqlState;
import org.pgkernel.kernel.spi.guc.GucType;

/**
 * Parsing, validation and display of setting values with PostgreSQL's rules and messages
 * (cf. guc.c parse_bool(), parse_int(), parse_real(), config_enum_lookup_by_name(),
 * parse_and_validate_value() and _ShowOption()).
 *
 * <p>A parsed value is a {@link Boolean} (bool), a {@link Long} in the base unit (integer), a
 * {@link Double} in the base unit (real) or a {@link String} (enum: the canonical name;
 * string: the value after its check hook; null for a string without a value, such as
 * session_authorization's boot value).
 */
final class GucValues {

    private GucValues() { }

    /** The current and reset values a check hook may consult (DateStyle keeps the order it is not given). */
    interface Context {
        String current(String name);
        String reset(String name);
    }

    static final Context NO_CONTEXT = new Context() {
        @Override public String current(String name) { return null; }
        @Override public String reset(String name) { return null; }
    };

    // ---- errors -------------------------------------------------------------------------

    static PgException invalidValue(String name, String value) {
        return PgException.error(SqlState.INVALID_PARAMETER_VALUE, "invalid value for parameter \"%s\": \"%s\"", name, value);
    }

    static PgException unrecognized(String name) {
        return PgException.error(SqlState.UNDEFINED_OBJECT, "unrecognized configuration parameter \"%s\"", name);
    }

    // ---- parsing ------------------------------------------------------------------------

    /** Parses with the setting's own name in messages (configuration files use the name as written: see the overload). */
    static Object parse(Setting s, String text, Context ctx) {
        return parse(s, s.name, text, ctx);
    }

    /**
     * Parses and validates {@code text} for {@code s}; throws 22023 worded as PostgreSQL words
     * it. {@code name} is the name as the user wrote it, which PostgreSQL's messages repeat
     * (except the check hooks', which use the setting's own spelling).
     */
    static Object parse(Setting s, String name, String text, Context ctx) {
        if (text == null) {
            if (s.type == GucType.STRING) return CheckHooks.check(s, null, ctx);
            throw invalidValue(name, "");
        }
        return switch (s.type) {
            case BOOL -> {
                Boolean b = parseBool(text);
                if (b == null) {
                    throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "parameter \"%s\" requires a Boolean value", name);
                }
                yield b;
            }
            case INTEGER -> parseInt(s, name, text);
            case REAL -> parseReal(s, name, text);
            case ENUM -> {
                String canonical = s.enumNames.get(text.toLowerCase(Locale.ROOT));
                if (canonical == null) {
                    throw invalidValue(name, text).withHint("Available values: " + String.join(", ", s.def.enumValues()) + ".");
                }
                yield canonical;
            }
            case STRING -> CheckHooks.check(s, text, ctx);
        };
    }

    /** parse_bool(): on/off/true/false/yes/no/1/0 and their unique prefixes, case-insensitive; null when invalid. */
    static Boolean parseBool(String text) {
        String v = text.toLowerCase(Locale.ROOT);
        int len = v.length();
        if (len == 0) return null;
        switch (v.charAt(0)) {
            case 't': if ("true".startsWith(v)) return true; break;
            case 'f': if ("false".startsWith(v)) return false; break;
            case 'y': if ("yes".startsWith(v)) return true; break;
            case 'n': if ("no".startsWith(v)) return false; break;
            case 'o':
                // "o" alone is ambiguous between on and off
                if (len >= 2 && "on".startsWith(v)) return true;
                if (len >= 2 && "off".startsWith(v)) return false;
                break;
            case '1': if (len == 1) return true; break;
            case '0': if (len == 1) return false; break;
            default: break;
        }
        return null;
    }

    private static long parseInt(Setting s, String name, String text) {
        int[] end = new int[1];
        double val;
        Long l = strtol(text, end);
        int e = end[0];
        if (l == null || (e < text.length() && (text.charAt(e) == '.' || text.charAt(e) == 'e' || text.charAt(e) == 'E'))) {
            val = strtod(text, end);
            e = end[0];
        } else {
            val = l;
        }
        if (e == 0 || Double.isNaN(val)) throw invalidValue(name, text);
        val = applyUnit(s, name, text, e, val);
        val = Math.rint(val);
        if (val > Integer.MAX_VALUE || val < Integer.MIN_VALUE) {
            throw invalidValue(name, text).withHint("Value exceeds integer range.");
        }
        long v = (long) val;
        if (v < s.intMin || v > s.intMax) {
            throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "%d%s%s is outside the valid range for parameter \"%s\" (%d .. %d)",
                    v, s.unit != null ? " " : "", s.unit != null ? s.unit : "", name, s.intMin, s.intMax);
        }
        return v;
    }

    private static double parseReal(Setting s, String name, String text) {
        int[] end = new int[1];
        double val = strtod(text, end);
        int e = end[0];
        if (e == 0 || Double.isNaN(val)) throw invalidValue(name, text);
        val = applyUnit(s, name, text, e, val);
        if (val < s.realMin || val > s.realMax) {
            throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "%s%s%s is outside the valid range for parameter \"%s\" (%s .. %s)",
                    formatDouble(val), s.unit != null ? " " : "", s.unit != null ? s.unit : "", name,
                    formatDouble(s.realMin), formatDouble(s.realMax));
        }
        return val;
    }

    /** Whitespace, then an optional unit (at most three characters), then whitespace, then the end. */
    private static double applyUnit(Setting s, String name, String text, int pos, double val) {
        int i = pos;
        while (i < text.length() && isSpace(text.charAt(i))) i++;
        if (i == text.length()) return val;
        if (s.unit == null) throw invalidValue(name, text);
        int start = i;
        while (i < text.length() && !isSpace(text.charAt(i)) && i - start < 3) i++;
        String unit = text.substring(start, i);
        while (i < text.length() && isSpace(text.charAt(i))) i++;
        double converted = i == text.length() ? GucUnits.toBaseUnit(val, unit, s.unit) : Double.NaN;
        if (Double.isNaN(converted)) throw invalidValue(name, text).withHint(GucUnits.hint(s.unit));
        return converted;
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B;
    }

    /**
     * C's strtol(text, &end, 0): whitespace, sign, then hex ("0x"), octal (leading 0) or
     * decimal digits. end[0] is 0 when no number was read; returns null on overflow.
     */
    static Long strtol(String text, int[] end) {
        int i = 0, n = text.length();
        while (i < n && isSpace(text.charAt(i))) i++;
        boolean neg = false;
        if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) neg = text.charAt(i++) == '-';
        int radix = 10;
        if (i + 1 < n && text.charAt(i) == '0' && (text.charAt(i + 1) == 'x' || text.charAt(i + 1) == 'X')
                && i + 2 < n && Character.digit(text.charAt(i + 2), 16) >= 0) {
            radix = 16;
            i += 2;
        } else if (i < n && text.charAt(i) == '0') {
            radix = 8;
        }
        int digitsStart = i;
        java.math.BigInteger acc = java.math.BigInteger.ZERO;
        while (i < n && Character.digit(text.charAt(i), radix) >= 0 && text.charAt(i) < 128) {
            acc = acc.multiply(java.math.BigInteger.valueOf(radix)).add(java.math.BigInteger.valueOf(Character.digit(text.charAt(i), radix)));
            i++;
        }
        if (i == digitsStart) {
            end[0] = 0;
            return null;
        }
        end[0] = i;
        if (neg) acc = acc.negate();
        if (acc.bitLength() > 63) return null;
        return acc.longValue();
    }

    /** C's strtod(): whitespace, sign, digits with an optional fraction and exponent, or inf/infinity/nan. */
    static double strtod(String text, int[] end) {
        int i = 0, n = text.length();
        while (i < n && isSpace(text.charAt(i))) i++;
        int start = i;
        if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) i++;
        String rest = text.substring(i).toLowerCase(Locale.ROOT);
        boolean neg = start < n && text.charAt(start) == '-';
        if (rest.startsWith("infinity")) { end[0] = i + 8; return neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY; }
        if (rest.startsWith("inf")) { end[0] = i + 3; return neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY; }
        if (rest.startsWith("nan")) { end[0] = i + 3; return Double.NaN; }
        int digits = 0;
        while (i < n && isAsciiDigit(text.charAt(i))) { i++; digits++; }
        if (i < n && text.charAt(i) == '.') {
            i++;
            while (i < n && isAsciiDigit(text.charAt(i))) { i++; digits++; }
        }
        if (digits == 0) { end[0] = 0; return 0; }
        if (i < n && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
            int j = i + 1;
            if (j < n && (text.charAt(j) == '+' || text.charAt(j) == '-')) j++;
            if (j < n && isAsciiDigit(text.charAt(j))) {
                while (j < n && isAsciiDigit(text.charAt(j))) j++;
                i = j;
            }
        }
        end[0] = i;
        String num = text.substring(start, i);
        if (num.endsWith(".")) num = num + "0";
        if (num.startsWith(".") || num.startsWith("-.") || num.startsWith("+.")) num = num.replace(".", "0.");
        return Double.parseDouble(num);
    }

    private static boolean isAsciiDigit(char c) { return c >= '0' && c <= '9'; }

    // ---- display ------------------------------------------------------------------------

    /** SHOW's text (cf. _ShowOption(use_units=true)). */
    static String show(Setting s, Object value) {
        if (value == null) return "";
        return switch (s.type) {
            case BOOL -> ((Boolean) value) ? "on" : "off";
            case INTEGER -> {
                long v = (Long) value;
                if (isOctal(s)) yield octal(v);
                yield s.unit != null && v > 0 ? GucUnits.formatInt(v, s.unit) : Long.toString(v);
            }
            case REAL -> {
                double v = (Double) value;
                yield s.unit != null && v > 0 ? GucUnits.formatReal(v, s.unit) : formatDouble(v);
            }
            case ENUM, STRING -> (String) value;
        };
    }

    /** pg_settings.setting's text: the base unit's number, no unit (cf. _ShowOption(use_units=false)). */
    static String setting(Setting s, Object value) {
        if (value == null) return null;
        return switch (s.type) {
            case BOOL -> ((Boolean) value) ? "on" : "off";
            case INTEGER -> isOctal(s) ? octal((Long) value) : Long.toString((Long) value);
            case REAL -> formatDouble((Double) value);
            case ENUM, STRING -> (String) value;
        };
    }

    /** The file modes are shown in octal, as their show hooks do. */
    private static boolean isOctal(Setting s) {
        return s.name.equals("data_directory_mode") || s.name.equals("log_file_mode") || s.name.equals("unix_socket_permissions");
    }

    private static String octal(long v) {
        String o = Long.toOctalString(v);
        return "0".repeat(Math.max(0, 4 - o.length())) + o;
    }

    /** C's printf("%g"): six significant digits, trailing zeros dropped, exponent form outside 1e-4 .. 1e6. */
    static String formatDouble(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        if (d == 0) return (1 / d < 0) ? "-0" : "0";
        BigDecimal bd = new BigDecimal(d).round(new MathContext(6, java.math.RoundingMode.HALF_EVEN));
        int exponent = bd.precision() - bd.scale() - 1;
        if (exponent < -4 || exponent >= 6) {
            BigDecimal mantissa = bd.movePointLeft(exponent).stripTrailingZeros();
            String m = mantissa.toPlainString();
            String sign = exponent < 0 ? "-" : "+";
            int abs = Math.abs(exponent);
            return m + "e" + sign + (abs < 10 ? "0" : "") + abs;
        }
        String plain = bd.stripTrailingZeros().toPlainString();
        return plain;
    }
}
