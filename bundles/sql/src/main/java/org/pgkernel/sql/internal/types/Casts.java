package org.pgkernel.sql.internal.types;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.SqlState;

/**
 * Casts between the supported types (pg_cast): which casts exist in which context
 * (implicit, assignment, explicit — cf. can_coerce_type()) and the value conversions,
 * including I/O conversion casts to and from the string types.
 */
public final class Casts {
    private Casts() { }

    public enum Context { IMPLICIT, ASSIGNMENT, EXPLICIT }

    private static int numericRank(PgType t) {
        return switch (t) {
            case INT2 -> 0;
            case INT4 -> 1;
            case INT8 -> 2;
            case NUMERIC -> 3;
            case FLOAT4 -> 4;
            case FLOAT8 -> 5;
            default -> -1;
        };
    }

    /** Whether a value of {@code from} can become {@code to} in the given context. */
    public static boolean canCast(PgType from, PgType to, Context ctx) {
        if (from == to || from == PgType.UNKNOWN) return true;
        int rf = numericRank(from);
        int rt = numericRank(to);
        if (rf >= 0 && rt >= 0) return rt > rf || ctx != Context.IMPLICIT;
        if (from == PgType.OID && rt >= 0 && rt <= 2) return ctx != Context.IMPLICIT || rt == 2;
        if (to == PgType.OID && rf >= 0 && rf <= 2) return true;
        boolean fs = from == PgType.TEXT || from == PgType.VARCHAR || from == PgType.NAME;
        boolean ts = to == PgType.TEXT || to == PgType.VARCHAR || to == PgType.NAME;
        if (fs && ts) return true;
        if (ts) return ctx != Context.IMPLICIT;
        if (fs) return ctx == Context.EXPLICIT && to != PgType.VOID && to != PgType.RECORD;
        if (from == PgType.BOOL && to == PgType.INT4 || from == PgType.INT4 && to == PgType.BOOL) {
            return ctx == Context.EXPLICIT;
        }
        switch (from) {
            case DATE -> { return to == PgType.TIMESTAMP || to == PgType.TIMESTAMPTZ; }
            case TIMESTAMP -> {
                return to == PgType.TIMESTAMPTZ || ((to == PgType.DATE || to == PgType.TIME) && ctx != Context.IMPLICIT);
            }
            case TIMESTAMPTZ -> {
                return (to == PgType.TIMESTAMP || to == PgType.DATE || to == PgType.TIME) && ctx != Context.IMPLICIT;
            }
            case TIME -> { return to == PgType.INTERVAL; }
            case INTERVAL -> { return to == PgType.TIME && ctx != Context.IMPLICIT; }
            default -> { }
        }
        if (from.isArray() && to.isArray()) return canCast(from.elementType(), to.elementType(), ctx);
        return false;
    }

    /** The common numeric type of two numeric-category types (int2 < int4 < int8 < numeric < float4 < float8). */
    public static PgType widerNumeric(PgType a, PgType b) {
        return numericRank(a) >= numericRank(b) ? a : b;
    }

    public static boolean isNumeric(PgType t) { return numericRank(t) >= 0; }

    public static boolean isInteger(PgType t) { return t == PgType.INT2 || t == PgType.INT4 || t == PgType.INT8; }

    public static PgException outOfRange(PgType t) {
        return PgException.error(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "%s out of range", switch (t) {
            case INT2 -> "smallint";
            case INT4 -> "integer";
            case INT8 -> "bigint";
            default -> t.sqlName();
        });
    }

    public static long checkRange(long v, PgType t) {
        boolean ok = switch (t) {
            case INT2 -> v >= Short.MIN_VALUE && v <= Short.MAX_VALUE;
            case INT4 -> v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE;
            default -> true;
        };
        if (!ok) throw outOfRange(t);
        return v;
    }

    public static Object boxInteger(long v, PgType t) {
        checkRange(v, t);
        return switch (t) {
            case INT2 -> (short) v;
            case INT4 -> (int) v;
            default -> v;
        };
    }

    public static long toLong(Object v) {
        if (v instanceof Number n) return n.longValue();
        throw new IllegalArgumentException("not an integer: " + v);
    }

    public static double toDouble(Object v) {
        if (v instanceof Number n) return n.doubleValue();
        throw new IllegalArgumentException("not a number: " + v);
    }

    public static BigDecimal toNumeric(Object v) {
        if (v instanceof BigDecimal b) return b;
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw PgException.error(SqlState.FEATURE_NOT_SUPPORTED, "numeric NaN and infinity are not supported yet");
            }
            int digits = v instanceof Float ? 6 : 15;
            BigDecimal b = new BigDecimal(d).round(new MathContext(digits, RoundingMode.HALF_EVEN)).stripTrailingZeros();
            return b.scale() < 0 ? b.setScale(0) : b;
        }
        return BigDecimal.valueOf(((Number) v).longValue());
    }

    /** Converts a non-null value; {@code typmods} apply to numeric(p,s) and varchar(n). */
    public static Object cast(Object v, PgType from, PgType to, List<Integer> typmods, FormatSettings fmt, Instant now) {
        if (v == null) return null;
        Object r = castValue(v, from, to, fmt, now);
        if (typmods != null && !typmods.isEmpty()) r = applyTypmod(r, to, typmods);
        return r;
    }

    private static Object applyTypmod(Object v, PgType to, List<Integer> typmods) {
        if (to == PgType.NUMERIC) {
            int precision = typmods.get(0);
            int scale = typmods.size() > 1 ? typmods.get(1) : 0;
            BigDecimal b = ((BigDecimal) v).setScale(scale, RoundingMode.HALF_UP);
            if (b.precision() - b.scale() > precision - scale && b.signum() != 0) {
                throw PgException.error(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "numeric field overflow")
                        .withDetail(String.format(java.util.Locale.ROOT,
                                "A field with precision %d, scale %d must round to an absolute value less than %s.",
                                precision, scale, precision - scale == 0 ? "1" : "10^" + (precision - scale)));
            }
            return b;
        }
        if (to == PgType.VARCHAR) {
            String s = (String) v;
            int n = typmods.get(0);
            if (s.codePointCount(0, s.length()) > n) return s.substring(0, s.offsetByCodePoints(0, n));
        }
        return v;
    }

    private static Object castValue(Object v, PgType from, PgType to, FormatSettings fmt, Instant now) {
        if (from == to) return v;
        if (to == PgType.TEXT || to == PgType.VARCHAR || to == PgType.NAME) {
            if (from == PgType.BOOL) return ((Boolean) v) ? "true" : "false";
            if (from.isStringLike()) return v;
            return TypeIO.toText(from, v, fmt);
        }
        if (from.isStringLike()) return TypeIO.fromText(to, (String) v, fmt, now);
        switch (to) {
            case INT2, INT4, INT8 -> {
                if (from == PgType.BOOL) return ((Boolean) v) ? 1 : 0;
                if (v instanceof Double || v instanceof Float) {
                    double d = ((Number) v).doubleValue();
                    if (Double.isNaN(d) || d < -9.223372036854776E18 || d >= 9.223372036854776E18) throw outOfRange(to);
                    return boxInteger((long) Math.rint(d), to);
                }
                if (v instanceof BigDecimal b) {
                    BigDecimal r = b.setScale(0, RoundingMode.HALF_UP);
                    if (r.unscaledValue().bitLength() > 63) throw outOfRange(to);
                    return boxInteger(r.longValueExact(), to);
                }
                return boxInteger(((Number) v).longValue(), to);
            }
            case OID -> { return ((Number) v).longValue() & 0xffffffffL; }
            case NUMERIC -> { return toNumeric(v); }
            case FLOAT4 -> {
                float f = ((Number) v).floatValue();
                if (Float.isInfinite(f) && !(v instanceof Double d && d.isInfinite())) {
                    throw PgException.error(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "value out of range: overflow");
                }
                return f;
            }
            case FLOAT8 -> { return ((Number) v).doubleValue(); }
            case BOOL -> { return ((Number) v).intValue() != 0; }
            case TIMESTAMP -> {
                if (v instanceof LocalDate d) {
                    return d.equals(LocalDate.MAX) ? LocalDateTime.MAX : d.equals(LocalDate.MIN) ? LocalDateTime.MIN
                            : d.atStartOfDay();
                }
                Instant i = (Instant) v;
                if (i.equals(Instant.MAX)) return LocalDateTime.MAX;
                if (i.equals(Instant.MIN)) return LocalDateTime.MIN;
                return LocalDateTime.ofInstant(i, fmt.timeZone());
            }
            case TIMESTAMPTZ -> {
                LocalDateTime t = v instanceof LocalDate d
                        ? (d.equals(LocalDate.MAX) ? LocalDateTime.MAX : d.equals(LocalDate.MIN) ? LocalDateTime.MIN : d.atStartOfDay())
                        : (LocalDateTime) v;
                if (t.equals(LocalDateTime.MAX)) return Instant.MAX;
                if (t.equals(LocalDateTime.MIN)) return Instant.MIN;
                return t.atZone(fmt.timeZone()).toInstant();
            }
            case DATE -> {
                if (v instanceof LocalDateTime t) {
                    return t.equals(LocalDateTime.MAX) ? LocalDate.MAX : t.equals(LocalDateTime.MIN) ? LocalDate.MIN
                            : t.toLocalDate();
                }
                Instant i = (Instant) v;
                return i.equals(Instant.MAX) ? LocalDate.MAX : i.equals(Instant.MIN) ? LocalDate.MIN
                        : i.atZone(fmt.timeZone()).toLocalDate();
            }
            case TIME -> {
                if (v instanceof LocalDateTime t) return t.toLocalTime();
                if (v instanceof Instant i) return i.atZone(fmt.timeZone()).toLocalTime();
                Interval iv = (Interval) v;
                long m = Math.floorMod(iv.micros(), Interval.MICROS_PER_DAY);
                return LocalTime.ofNanoOfDay(m * 1000);
            }
            case INTERVAL -> {
                return new Interval(0, 0, ((LocalTime) v).toNanoOfDay() / 1000);
            }
            default -> {
                if (to.isArray() && from.isArray()) {
                    Object[] in = (Object[]) v;
                    Object[] out = new Object[in.length];
                    for (int i = 0; i < in.length; i++) {
                        out[i] = in[i] == null ? null : castValue(in[i], from.elementType(), to.elementType(), fmt, now);
                    }
                    return out;
                }
                throw PgException.error(SqlState.CANNOT_COERCE, "cannot cast type %s to %s", from.sqlName(), to.sqlName());
            }
        }
    }

    /** Rounds a timestamp or time to microseconds, as PostgreSQL stores them. */
    public static LocalDateTime micros(LocalDateTime t) { return t.truncatedTo(ChronoUnit.MICROS); }
}
