package org.pgkernel.sql.internal.types;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.SqlState;

/**
 * Text and binary input/output of every supported type: each type's typinput/typoutput and
 * typreceive/typsend (int2/4/8 big-endian, float IEEE 754, bool one byte, numeric in
 * base-10000 digits, date as days and timestamps as microseconds since 2000-01-01,
 * interval as micros + days + months, bytea raw).
 *
 * <p>Input errors are PostgreSQL's: 22P02 "invalid input syntax for type integer: "abc"",
 * 22003 "value "..." is out of range for type integer", 22P03 for bad binary data.
 */
public final class TypeIO {
    private TypeIO() { }

    // ------------------------------------------------------------------ text output

    public static String toText(PgType type, Object v, FormatSettings s) {
        if (v == null) return null;
        return switch (type) {
            case BOOL -> ((Boolean) v) ? "t" : "f";
            case FLOAT4 -> formatFloat4((Float) v, s.extraFloatDigits());
            case FLOAT8 -> formatFloat8((Double) v, s.extraFloatDigits());
            case NUMERIC -> ((BigDecimal) v).toPlainString();
            case BYTEA -> formatBytea((byte[]) v, s.byteaHex());
            case DATE -> DateTimes.formatDate((LocalDate) v, s);
            case TIME -> DateTimes.formatTime((LocalTime) v);
            case TIMESTAMP -> DateTimes.formatTimestamp((LocalDateTime) v, s);
            case TIMESTAMPTZ -> DateTimes.formatTimestamptz((Instant) v, s);
            case INTERVAL -> DateTimes.formatInterval((Interval) v, s);
            case VOID -> "";
            default -> {
                if (type.isArray()) yield formatArray(type.elementType(), (Object[]) v, s);
                yield v.toString();
            }
        };
    }

    private static String formatArray(PgType elem, Object[] values, FormatSettings s) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < values.length; i++) {
            if (i > 0) b.append(',');
            if (values[i] == null) {
                b.append("NULL");
                continue;
            }
            String t = toText(elem, values[i], s);
            boolean quote = t.isEmpty() || t.equalsIgnoreCase("null");
            for (char c : t.toCharArray()) {
                if (c == '"' || c == '\\' || c == '{' || c == '}' || c == ',' || Character.isWhitespace(c)) quote = true;
            }
            if (quote) {
                b.append('"').append(t.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            } else {
                b.append(t);
            }
        }
        return b.append('}').toString();
    }

    private static String formatBytea(byte[] b, boolean hex) {
        if (hex) return "\\x" + HexFormat.of().formatHex(b);
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            int u = x & 0xff;
            if (u == '\\') sb.append("\\\\");
            else if (u < 0x20 || u > 0x7e) sb.append(String.format(Locale.ROOT, "\\%03o", u));
            else sb.append((char) u);
        }
        return sb.toString();
    }

    /** float8out: shortest round-trip text when extra_float_digits > 0, else %.{15+efd}g. */
    public static String formatFloat8(double d, int extraFloatDigits) {
        if (Double.isNaN(d)) return "NaN";
        if (Double.isInfinite(d)) return d > 0 ? "Infinity" : "-Infinity";
        if (extraFloatDigits > 0) return shortest(Double.toString(d), 15);
        return gFormat(d, Math.max(1, 15 + extraFloatDigits));
    }

    public static String formatFloat4(float f, int extraFloatDigits) {
        if (Float.isNaN(f)) return "NaN";
        if (Float.isInfinite(f)) return f > 0 ? "Infinity" : "-Infinity";
        if (extraFloatDigits > 0) return shortest(Float.toString(f), 6);
        return gFormat(f, Math.max(1, 6 + extraFloatDigits));
    }

    /** Reformats Java's shortest repr as PostgreSQL prints it: fixed for exponents in [-4, precision), else d.ddde+XX. */
    private static String shortest(String javaRepr, int precision) {
        BigDecimal bd = new BigDecimal(javaRepr);
        if (bd.signum() == 0) return javaRepr.startsWith("-") ? "-0" : "0";
        bd = bd.stripTrailingZeros();
        int exponent = bd.precision() - bd.scale() - 1;
        if (exponent < -4 || exponent >= precision) {
            String digits = bd.unscaledValue().abs().toString();
            StringBuilder b = new StringBuilder();
            if (bd.signum() < 0) b.append('-');
            b.append(digits.charAt(0));
            if (digits.length() > 1) b.append('.').append(digits, 1, digits.length());
            b.append('e').append(exponent < 0 ? '-' : '+');
            int ae = Math.abs(exponent);
            if (ae < 10) b.append('0');
            b.append(ae);
            return b.toString();
        }
        return bd.toPlainString();
    }

    private static String gFormat(double d, int precision) {
        if (d == 0) return (1 / d < 0) ? "-0" : "0";
        BigDecimal bd = new BigDecimal(d).round(new java.math.MathContext(precision, RoundingMode.HALF_EVEN));
        return shortest(bd.toString(), precision);
    }

    // ------------------------------------------------------------------ text input

    private static PgException invalid(PgType type, String text) {
        return PgException.error(SqlState.INVALID_TEXT_REPRESENTATION, "invalid input syntax for type %s: \"%s\"",
                type.sqlName(), text);
    }

    public static Object fromText(PgType type, String text, FormatSettings s, Instant now) {
        if (text == null) return null;
        switch (type) {
            case BOOL -> { return parseBool(text); }
            case INT2 -> {
                long v = parseInteger(text, type);
                if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) throw rangeError(text, type);
                return (short) v;
            }
            case INT4 -> {
                long v = parseInteger(text, type);
                if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) throw rangeError(text, type);
                return (int) v;
            }
            case INT8 -> { return parseInteger(text, type); }
            case OID, XID -> {
                long v = parseInteger(text, type);
                if (v < Integer.MIN_VALUE || v > 0xffffffffL) throw rangeError(text, type);
                return v < 0 ? v & 0xffffffffL : v;
            }
            case FLOAT4 -> {
                double d = parseDouble(text, type);
                float f = (float) d;
                if (Float.isInfinite(f) && !Double.isInfinite(d)) throw rangeError(text, type);
                return f;
            }
            case FLOAT8 -> { return parseDouble(text, type); }
            case NUMERIC -> { return parseNumeric(text); }
            case TEXT, VARCHAR, NAME, UNKNOWN, INET -> { return type == PgType.INET ? parseInet(text) : text; }
            case BYTEA -> { return parseBytea(text); }
            case DATE -> { return DateTimes.parseDate(text, s, now); }
            case TIME -> { return DateTimes.parseTime(text, s, now); }
            case TIMESTAMP -> { return DateTimes.parseTimestamp(text, s, now); }
            case TIMESTAMPTZ -> { return DateTimes.parseTimestamptz(text, s, now); }
            case INTERVAL -> { return DateTimes.parseInterval(text, s); }
            case VOID -> { return PgType.VOID_VALUE; }
            default -> {
                if (type.isArray()) return parseArray(type, text, s, now);
                throw PgException.error(SqlState.FEATURE_NOT_SUPPORTED, "cannot accept a value of type %s", type.sqlName());
            }
        }
    }

    private static PgException rangeError(String text, PgType type) {
        return PgException.error(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "value \"%s\" is out of range for type %s",
                text, type.sqlName());
    }

    public static boolean parseBool(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (!t.isEmpty()) {
            if ("true".startsWith(t) || "yes".startsWith(t) || t.equals("on") || t.equals("1")) return true;
            if ("false".startsWith(t) || "no".startsWith(t) || t.equals("off") || t.equals("of") && false
                    || t.equals("0")) {
                return false;
            }
            if (t.equals("of")) throw invalid(PgType.BOOL, text);
        }
        throw invalid(PgType.BOOL, text);
    }

    private static long parseInteger(String text, PgType type) {
        String t = text.trim();
        if (t.isEmpty()) throw invalid(type, text);
        int i = 0;
        boolean neg = false;
        if (t.charAt(0) == '+' || t.charAt(0) == '-') {
            neg = t.charAt(0) == '-';
            i = 1;
        }
        if (i >= t.length()) throw invalid(type, text);
        BigInteger v = BigInteger.ZERO;
        for (; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') throw invalid(type, text);
            v = v.multiply(BigInteger.TEN).add(BigInteger.valueOf(c - '0'));
            if (v.bitLength() > 70) break;
        }
        if (neg) v = v.negate();
        if (v.bitLength() > 63) throw rangeError(text, type);
        return v.longValue();
    }

    private static double parseDouble(String text, PgType type) {
        String t = text.trim();
        String l = t.toLowerCase(Locale.ROOT);
        switch (l) {
            case "nan" -> { return Double.NaN; }
            case "infinity", "+infinity", "inf", "+inf" -> { return Double.POSITIVE_INFINITY; }
            case "-infinity", "-inf" -> { return Double.NEGATIVE_INFINITY; }
            default -> { }
        }
        if (!l.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)(e[+-]?\\d+)?")) throw invalid(type, text);
        double d = Double.parseDouble(t);
        if (Double.isInfinite(d)) {
            throw PgException.error(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "\"%s\" is out of range for type %s", text,
                    type.sqlName());
        }
        return d;
    }

    public static BigDecimal parseNumeric(String text) {
        String t = text.trim();
        if (!t.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
            if (t.equalsIgnoreCase("nan") || t.toLowerCase(Locale.ROOT).matches("[+-]?inf(inity)?")) {
                throw PgException.error(SqlState.FEATURE_NOT_SUPPORTED, "numeric NaN and infinity are not supported yet");
            }
            throw invalid(PgType.NUMERIC, text);
        }
        BigDecimal bd = new BigDecimal(t);
        if (bd.scale() < 0) bd = bd.setScale(0);
        return bd;
    }

    private static String parseInet(String text) {
        String t = text.trim();
        try {
            String host = t.contains("/") ? t.substring(0, t.indexOf('/')) : t;
            if (!host.matches("[0-9a-fA-F:.]+")) throw invalid(PgType.INET, text);
            java.net.InetAddress.ofLiteral(host);
            return t;
        } catch (IllegalArgumentException e) {
            throw invalid(PgType.INET, text);
        }
    }

    private static byte[] parseBytea(String text) {
        if (text.startsWith("\\x")) {
            String hex = text.substring(2).replaceAll("\\s", "");
            if (hex.length() % 2 != 0) {
                throw PgException.error(SqlState.INVALID_TEXT_REPRESENTATION, "invalid hexadecimal data: odd number of digits");
            }
            try {
                return HexFormat.of().parseHex(hex);
            } catch (IllegalArgumentException e) {
                throw PgException.error(SqlState.INVALID_TEXT_REPRESENTATION, "invalid hexadecimal digit: \"%s\"",
                        firstNonHex(hex));
            }
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] raw = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] != '\\') {
                out.write(raw[i]);
            } else if (i + 1 < raw.length && raw[i + 1] == '\\') {
                out.write('\\');
                i++;
            } else if (i + 3 < raw.length && isOct(raw[i + 1]) && isOct(raw[i + 2]) && isOct(raw[i + 3])) {
                out.write(((raw[i + 1] - '0') << 6) | ((raw[i + 2] - '0') << 3) | (raw[i + 3] - '0'));
                i += 3;
            } else {
                throw PgException.error(SqlState.INVALID_TEXT_REPRESENTATION, "invalid input syntax for type bytea");
            }
        }
        return out.toByteArray();
    }

    private static String firstNonHex(String hex) {
        for (char c : hex.toCharArray()) {
            if (Character.digit(c, 16) < 0) return String.valueOf(c);
        }
        return "";
    }

    private static boolean isOct(byte b) { return b >= '0' && b <= '7'; }

    private static Object[] parseArray(PgType type, String text, FormatSettings s, Instant now) {
        String t = text.trim();
        if (!t.startsWith("{") || !t.endsWith("}")) {
            throw PgException.error(SqlState.INVALID_TEXT_REPRESENTATION, "malformed array literal: \"%s\"", text)
                    .withDetail("Array value must start with \"{\" or dimension information.");
        }
        List<Object> out = new ArrayList<>();
        String body = t.substring(1, t.length() - 1);
        int i = 0;
        if (body.isBlank()) return new Object[0];
        while (i <= body.length()) {
            StringBuilder b = new StringBuilder();
            boolean quoted = false;
            while (i < body.length() && Character.isWhitespace(body.charAt(i))) i++;
            if (i < body.length() && body.charAt(i) == '"') {
                quoted = true;
                i++;
                while (i < body.length() && body.charAt(i) != '"') {
                    if (body.charAt(i) == '\\' && i + 1 < body.length()) i++;
                    b.append(body.charAt(i++));
                }
                i++;
            } else {
                while (i < body.length() && body.charAt(i) != ',') b.append(body.charAt(i++));
            }
            String e = quoted ? b.toString() : b.toString().trim();
            out.add(!quoted && e.equalsIgnoreCase("null") ? null : fromText(type.elementType(), e, s, now));
            while (i < body.length() && body.charAt(i) != ',') i++;
            i++;
        }
        return out.toArray();
    }

    // ------------------------------------------------------------------ binary

    public static byte[] toBinary(PgType type, Object v, FormatSettings s) {
        if (v == null) return null;
        return switch (type) {
            case BOOL -> new byte[] {(byte) (((Boolean) v) ? 1 : 0)};
            case INT2 -> ByteBuffer.allocate(2).putShort((Short) v).array();
            case INT4 -> ByteBuffer.allocate(4).putInt((Integer) v).array();
            case INT8 -> ByteBuffer.allocate(8).putLong((Long) v).array();
            case OID, XID -> ByteBuffer.allocate(4).putInt((int) (long) (Long) v).array();
            case FLOAT4 -> ByteBuffer.allocate(4).putFloat((Float) v).array();
            case FLOAT8 -> ByteBuffer.allocate(8).putDouble((Double) v).array();
            case NUMERIC -> numericSend((BigDecimal) v);
            case BYTEA -> (byte[]) v;
            case DATE -> ByteBuffer.allocate(4).putInt(dateToPg((LocalDate) v)).array();
            case TIME -> ByteBuffer.allocate(8).putLong(((LocalTime) v).toNanoOfDay() / 1000).array();
            case TIMESTAMP -> ByteBuffer.allocate(8).putLong(timestampToPg((LocalDateTime) v)).array();
            case TIMESTAMPTZ -> ByteBuffer.allocate(8).putLong(timestamptzToPg((Instant) v)).array();
            case INTERVAL -> {
                Interval iv = (Interval) v;
                yield ByteBuffer.allocate(16).putLong(iv.micros()).putInt(iv.days()).putInt(iv.months()).array();
            }
            case VOID -> new byte[0];
            default -> {
                if (type.isArray()) yield arraySend(type, (Object[]) v, s);
                yield toText(type, v, s).getBytes(StandardCharsets.UTF_8);
            }
        };
    }

    private static int dateToPg(LocalDate d) {
        if (d.equals(LocalDate.MAX)) return Integer.MAX_VALUE;
        if (d.equals(LocalDate.MIN)) return Integer.MIN_VALUE;
        return (int) ChronoUnit.DAYS.between(DateTimes.EPOCH_DATE, d);
    }

    private static long timestampToPg(LocalDateTime t) {
        if (t.equals(LocalDateTime.MAX)) return Long.MAX_VALUE;
        if (t.equals(LocalDateTime.MIN)) return Long.MIN_VALUE;
        return DateTimes.toPgMicros(t);
    }

    private static long timestamptzToPg(Instant t) {
        if (t.equals(Instant.MAX)) return Long.MAX_VALUE;
        if (t.equals(Instant.MIN)) return Long.MIN_VALUE;
        return DateTimes.toPgMicros(t);
    }

    private static byte[] arraySend(PgType type, Object[] values, FormatSettings s) {
        PgType elem = type.elementType();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        boolean hasNull = false;
        for (Object o : values) hasNull |= o == null;
        ByteBuffer head = ByteBuffer.allocate(values.length == 0 ? 12 : 20);
        head.putInt(values.length == 0 ? 0 : 1).putInt(hasNull ? 1 : 0).putInt(elem.oid());
        if (values.length > 0) head.putInt(values.length).putInt(1);
        out.writeBytes(head.array());
        for (Object o : values) {
            if (o == null) {
                out.writeBytes(ByteBuffer.allocate(4).putInt(-1).array());
            } else {
                byte[] b = toBinary(elem, o, s);
                out.writeBytes(ByteBuffer.allocate(4).putInt(b.length).array());
                out.writeBytes(b);
            }
        }
        return out.toByteArray();
    }

    /** numeric_send: ndigits, weight, sign, dscale, then base-10000 digits. */
    public static byte[] numericSend(BigDecimal v) {
        int dscale = Math.max(v.scale(), 0);
        BigInteger unscaled = v.abs().setScale(dscale, RoundingMode.UNNECESSARY).unscaledValue();
        String digits = unscaled.toString();
        // split into integer and fraction parts, pad to groups of four around the decimal point
        String intPart = digits.length() > dscale ? digits.substring(0, digits.length() - dscale) : "0";
        String fracPart = digits.length() > dscale ? digits.substring(digits.length() - dscale)
                : "0".repeat(dscale - digits.length()) + digits;
        while (intPart.length() % 4 != 0) intPart = "0" + intPart;
        while (fracPart.length() % 4 != 0) fracPart = fracPart + "0";
        List<Short> groups = new ArrayList<>();
        for (int i = 0; i < intPart.length(); i += 4) groups.add(Short.parseShort(intPart.substring(i, i + 4)));
        for (int i = 0; i < fracPart.length(); i += 4) groups.add(Short.parseShort(fracPart.substring(i, i + 4)));
        int weight = intPart.length() / 4 - 1;
        // strip leading zero groups
        while (!groups.isEmpty() && groups.get(0) == 0) {
            groups.remove(0);
            weight--;
        }
        while (!groups.isEmpty() && groups.get(groups.size() - 1) == 0) groups.remove(groups.size() - 1);
        if (groups.isEmpty()) weight = 0;
        ByteBuffer b = ByteBuffer.allocate(8 + groups.size() * 2);
        b.putShort((short) groups.size()).putShort((short) weight).putShort((short) (v.signum() < 0 ? 0x4000 : 0))
                .putShort((short) dscale);
        for (short g : groups) b.putShort(g);
        return b.array();
    }

    public static BigDecimal numericRecv(ByteBuffer b) {
        int ndigits = b.getShort();
        int weight = b.getShort();
        int sign = b.getShort() & 0xffff;
        int dscale = b.getShort();
        if (sign == 0xC000) throw PgException.error(SqlState.FEATURE_NOT_SUPPORTED, "numeric NaN is not supported yet");
        if (sign != 0 && sign != 0x4000 || ndigits < 0) {
            throw PgException.error(SqlState.INVALID_BINARY_REPRESENTATION, "invalid sign in external \"numeric\" value");
        }
        BigDecimal v = BigDecimal.ZERO;
        for (int i = 0; i < ndigits; i++) {
            int d = b.getShort();
            if (d < 0 || d > 9999) {
                throw PgException.error(SqlState.INVALID_BINARY_REPRESENTATION, "invalid digit in external \"numeric\" value");
            }
            v = v.add(BigDecimal.valueOf(d).scaleByPowerOfTen(4 * (weight - i)));
        }
        v = v.setScale(dscale, RoundingMode.HALF_UP);
        return sign == 0x4000 ? v.negate() : v;
    }

    /** datatype/timestamp.h: the valid ranges, relative to 2000-01-01 (days, microseconds). */
    private static final int MIN_DATE = -2451545, END_DATE = 2147483494 - 2451545;
    private static final long MIN_TIMESTAMP = -211813488000000000L, END_TIMESTAMP = 9223371331200000000L;
    private static final long USECS_PER_DAY = 86_400_000_000L;

    private static PgException outOfRange(String message) {
        return PgException.error(SqlState.DATETIME_FIELD_OVERFLOW, message);
    }

    public static Object fromBinary(PgType type, byte[] data, FormatSettings s) {
        if (data == null) return null;
        ByteBuffer b = ByteBuffer.wrap(data);
        try {
            Object v = switch (type) {
                case BOOL -> b.get() != 0;
                case INT2 -> b.getShort();
                case INT4 -> b.getInt();
                case INT8 -> b.getLong();
                case OID, XID -> b.getInt() & 0xffffffffL;
                case FLOAT4 -> b.getFloat();
                case FLOAT8 -> b.getDouble();
                case NUMERIC -> numericRecv(b);
                case BYTEA -> {
                    b.position(data.length);
                    yield data;
                }
                case TEXT, VARCHAR, NAME, UNKNOWN -> {
                    b.position(data.length);
                    yield new String(data, StandardCharsets.UTF_8);
                }
                case DATE -> {
                    int d = b.getInt();
                    if (d == Integer.MAX_VALUE) yield LocalDate.MAX;
                    if (d == Integer.MIN_VALUE) yield LocalDate.MIN;
                    // date_recv(): IS_VALID_DATE, 4714-11-24 BC up to 5874898-01-01 (days from 2000-01-01)
                    if (d < MIN_DATE || d >= END_DATE) throw outOfRange("date out of range");
                    yield DateTimes.EPOCH_DATE.plusDays(d);
                }
                case TIME -> {
                    long m = b.getLong();
                    // time_recv(): 0 .. USECS_PER_DAY; 24:00:00 is a valid time, LocalTime's last instant stands for it
                    if (m < 0 || m > USECS_PER_DAY) throw outOfRange("time out of range");
                    yield m == USECS_PER_DAY ? LocalTime.MAX : LocalTime.ofNanoOfDay(m * 1000);
                }
                case TIMESTAMP -> {
                    long m = b.getLong();
                    if (m == Long.MAX_VALUE) yield LocalDateTime.MAX;
                    if (m == Long.MIN_VALUE) yield LocalDateTime.MIN;
                    if (m < MIN_TIMESTAMP || m >= END_TIMESTAMP) throw outOfRange("timestamp out of range");
                    yield DateTimes.fromPgMicros(m);
                }
                case TIMESTAMPTZ -> {
                    long m = b.getLong();
                    if (m == Long.MAX_VALUE) yield Instant.MAX;
                    if (m == Long.MIN_VALUE) yield Instant.MIN;
                    if (m < MIN_TIMESTAMP || m >= END_TIMESTAMP) throw outOfRange("timestamp out of range");
                    yield DateTimes.instantFromPgMicros(m);
                }
                case INTERVAL -> {
                    long micros = b.getLong();
                    int days = b.getInt();
                    int months = b.getInt();
                    yield new Interval(months, days, micros);
                }
                default -> throw PgException.error(SqlState.FEATURE_NOT_SUPPORTED,
                        "binary input of type %s is not supported", type.sqlName());
            };
            if (b.hasRemaining()) {
                throw PgException.error(SqlState.INVALID_BINARY_REPRESENTATION,
                        "incorrect binary data format in bind parameter");
            }
            return v;
        } catch (java.nio.BufferUnderflowException e) {
            throw PgException.error(SqlState.INVALID_BINARY_REPRESENTATION, "insufficient data left in message");
        }
    }
}
