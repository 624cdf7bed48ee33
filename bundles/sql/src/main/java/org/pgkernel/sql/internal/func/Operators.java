package org.pgkernel.sql.internal.func;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.SqlState;
import org.pgkernel.sql.internal.exec.Exprs.Impl;
import org.pgkernel.sql.internal.types.Casts;
import org.pgkernel.sql.internal.types.DateTimes;
import org.pgkernel.sql.internal.types.Interval;
import org.pgkernel.sql.internal.types.PgType;
import org.pgkernel.sql.internal.types.Values;

/**
 * Operator resolution for the built-in operators (cf. parse_oper.c oper_select_candidate()
 * over pg_operator): an unknown-typed side takes the other side's type; numeric operands
 * meet at the wider type of int2 < int4 < int8 < numeric < float8; string types meet at
 * text; date/time types at the wider of date < timestamp < timestamptz.
 */
public final class Operators {
    private Operators() { }

    /** A chosen operator: the types the operands are coerced to, the result type and the body. */
    public record Resolved(PgType left, PgType right, PgType result, Impl impl) { }

    private static boolean isString(PgType t) {
        return t == PgType.TEXT || t == PgType.VARCHAR || t == PgType.NAME || t == PgType.UNKNOWN;
    }

    private static boolean isDateTime(PgType t) {
        return t == PgType.DATE || t == PgType.TIMESTAMP || t == PgType.TIMESTAMPTZ;
    }

    private static int dateRank(PgType t) {
        return t == PgType.DATE ? 0 : t == PgType.TIMESTAMP ? 1 : 2;
    }

    /** The type both sides of a comparison meet at, or null when they cannot be compared. */
    public static PgType commonType(PgType l, PgType r) {
        if (l == PgType.UNKNOWN && r == PgType.UNKNOWN) return PgType.TEXT;
        if (l == PgType.UNKNOWN) return r == PgType.VARCHAR || r == PgType.NAME ? PgType.TEXT : r;
        if (r == PgType.UNKNOWN) return l == PgType.VARCHAR || l == PgType.NAME ? PgType.TEXT : l;
        if (l == r) return l;
        PgType ln = l == PgType.OID ? PgType.INT8 : l;
        PgType rn = r == PgType.OID ? PgType.INT8 : r;
        if (Casts.isNumeric(ln) && Casts.isNumeric(rn)) {
            PgType w = Casts.widerNumeric(ln, rn);
            return w == PgType.FLOAT4 ? PgType.FLOAT8 : w;
        }
        if (isString(l) && isString(r)) return PgType.TEXT;
        if (isDateTime(l) && isDateTime(r)) return dateRank(l) >= dateRank(r) ? l : r;
        return null;
    }

    public static Resolved comparison(String op, PgType l, PgType r) {
        PgType c = commonType(l, r);
        if (c == null || c == PgType.VOID || c == PgType.RECORD) return null;
        Impl impl = switch (op) {
            case "=" -> (a, ctx) -> Values.compare(a[0], a[1]) == 0;
            case "<>" -> (a, ctx) -> Values.compare(a[0], a[1]) != 0;
            case "<" -> (a, ctx) -> Values.compare(a[0], a[1]) < 0;
            case "<=" -> (a, ctx) -> Values.compare(a[0], a[1]) <= 0;
            case ">" -> (a, ctx) -> Values.compare(a[0], a[1]) > 0;
            case ">=" -> (a, ctx) -> Values.compare(a[0], a[1]) >= 0;
            default -> null;
        };
        return impl == null ? null : new Resolved(c, c, PgType.BOOL, impl);
    }

    public static Resolved binary(String op, PgType l, PgType r) {
        switch (op) {
            case "=", "<>", "<", "<=", ">", ">=" -> { return comparison(op, l, r); }
            case "||" -> { return concat(l, r); }
            case "~~", "!~~", "~~*", "!~~*" -> {
                if (!isString(l) || !isString(r)) return null;
                boolean ci = op.contains("*");
                boolean neg = op.startsWith("!");
                return new Resolved(PgType.TEXT, PgType.TEXT, PgType.BOOL,
                        (a, ctx) -> neg != Functions.like((String) a[0], (String) a[1], "\\", ci));
            }
            case "~", "!~", "~*", "!~*" -> {
                if (!isString(l) || !isString(r)) return null;
                boolean ci = op.contains("*");
                boolean neg = op.startsWith("!");
                return new Resolved(PgType.TEXT, PgType.TEXT, PgType.BOOL,
                        (a, ctx) -> neg != Functions.regexMatch((String) a[0], (String) a[1], ci));
            }
            default -> { }
        }
        Resolved dt = dateTimeArithmetic(op, l, r);
        if (dt != null) return dt;
        PgType lt = l == PgType.UNKNOWN ? r : l;
        PgType rt = r == PgType.UNKNOWN ? l : r;
        if (lt == PgType.UNKNOWN || rt == PgType.UNKNOWN) return null;
        if (!Casts.isNumeric(lt) || !Casts.isNumeric(rt)) return null;
        PgType c = Casts.widerNumeric(lt, rt);
        if (c == PgType.FLOAT4 && (lt != PgType.FLOAT4 || rt != PgType.FLOAT4)) c = PgType.FLOAT8;
        PgType t = c;
        switch (op) {
            case "+", "-", "*", "/" -> { return new Resolved(t, t, t, arithmetic(op, t)); }
            case "%" -> {
                if (t == PgType.FLOAT4 || t == PgType.FLOAT8) return null;
                return new Resolved(t, t, t, arithmetic(op, t));
            }
            case "^" -> {
                PgType pt = t == PgType.NUMERIC ? PgType.NUMERIC : PgType.FLOAT8;
                return new Resolved(pt, pt, pt, (a, ctx) -> Functions.power(a[0], a[1], pt));
            }
            case "&", "|", "#", "<<", ">>" -> {
                if (!Casts.isInteger(t)) return null;
                PgType rr = op.startsWith("<") || op.startsWith(">") ? PgType.INT4 : t;
                return new Resolved(t, rr, t, (a, ctx) -> {
                    long x = ((Number) a[0]).longValue();
                    long y = ((Number) a[1]).longValue();
                    long v = switch (op) {
                        case "&" -> x & y;
                        case "|" -> x | y;
                        case "#" -> x ^ y;
                        case "<<" -> t == PgType.INT8 ? x << y : (t == PgType.INT4 ? (long) ((int) x << y) : (long) (short) (x << y));
                        default -> x >> y;
                    };
                    return Casts.boxInteger(t == PgType.INT2 ? (short) v : t == PgType.INT4 ? (int) v : v, t);
                });
            }
            default -> { return null; }
        }
    }

    private static Resolved concat(PgType l, PgType r) {
        if (l.isArray() || r.isArray()) {
            PgType at = l.isArray() ? l : r;
            PgType other = l.isArray() ? r : l;
            if (other != at && other != PgType.UNKNOWN && other != at.elementType()) return null;
            PgType ot = other == PgType.UNKNOWN ? at : other;
            return new Resolved(l.isArray() ? l : ot, r.isArray() ? r : ot, at, (a, ctx) -> {
                java.util.List<Object> out = new java.util.ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    if (a[i] instanceof Object[] arr) out.addAll(java.util.Arrays.asList(arr));
                    else if (a[i] != null) out.add(a[i]);
                }
                return out.toArray();
            });
        }
        // text || text, and textanycat / anytextcat when one side is a string type
        if (!isString(l) && !isString(r)) return null;
        return new Resolved(PgType.TEXT, PgType.TEXT, PgType.TEXT, (a, ctx) -> ((String) a[0]) + a[1]);
    }

    private static Impl arithmetic(String op, PgType t) {
        return switch (t) {
            case INT2, INT4, INT8 -> (a, ctx) -> {
                long x = ((Number) a[0]).longValue();
                long y = ((Number) a[1]).longValue();
                long v;
                try {
                    v = switch (op) {
                        case "+" -> Math.addExact(x, y);
                        case "-" -> Math.subtractExact(x, y);
                        case "*" -> Math.multiplyExact(x, y);
                        case "/" -> {
                            if (y == 0) throw divisionByZero();
                            if (t == PgType.INT8 && x == Long.MIN_VALUE && y == -1) throw Casts.outOfRange(t);
                            yield x / y;
                        }
                        default -> {
                            if (y == 0) throw divisionByZero();
                            yield y == -1 ? 0 : x % y;
                        }
                    };
                } catch (ArithmeticException e) {
                    throw Casts.outOfRange(t);
                }
                return Casts.boxInteger(v, t);
            };
            case NUMERIC -> (a, ctx) -> {
                BigDecimal x = (BigDecimal) a[0];
                BigDecimal y = (BigDecimal) a[1];
                return switch (op) {
                    case "+" -> x.add(y);
                    case "-" -> x.subtract(y);
                    case "*" -> x.multiply(y);
                    case "/" -> Functions.divideNumeric(x, y);
                    default -> {
                        if (y.signum() == 0) throw divisionByZero();
                        yield x.remainder(y);
                    }
                };
            };
            case FLOAT4 -> (a, ctx) -> {
                float x = (Float) a[0];
                float y = (Float) a[1];
                if (op.equals("/") && y == 0) throw divisionByZero();
                float v = switch (op) {
                    case "+" -> x + y;
                    case "-" -> x - y;
                    case "*" -> x * y;
                    default -> x / y;
                };
                if (Float.isInfinite(v) && !Float.isInfinite(x) && !Float.isInfinite(y)) throw floatOverflow();
                return v;
            };
            default -> (a, ctx) -> {
                double x = ((Number) a[0]).doubleValue();
                double y = ((Number) a[1]).doubleValue();
                if (op.equals("/") && y == 0) throw divisionByZero();
                double v = switch (op) {
                    case "+" -> x + y;
                    case "-" -> x - y;
                    case "*" -> x * y;
                    default -> x / y;
                };
                if (Double.isInfinite(v) && !Double.isInfinite(x) && !Double.isInfinite(y)) throw floatOverflow();
                return v;
            };
        };
    }

    public static PgException divisionByZero() {
        return PgException.error(SqlState.DIVISION_BY_ZERO, "division by zero");
    }

    static PgException floatOverflow() {
        return PgException.error(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "value out of range: overflow");
    }

    private static Resolved dateTimeArithmetic(String op, PgType l, PgType r) {
        boolean plus = op.equals("+");
        boolean minus = op.equals("-");
        if (!plus && !minus && !op.equals("*") && !op.equals("/")) return null;
        if (l == PgType.DATE && (r == PgType.INT4 || r == PgType.INT2 || (r == PgType.UNKNOWN && false)) && (plus || minus)) {
            return new Resolved(PgType.DATE, PgType.INT4, PgType.DATE, (a, ctx) -> {
                LocalDate d = (LocalDate) a[0];
                if (d.equals(LocalDate.MAX) || d.equals(LocalDate.MIN)) return d;
                long n = ((Number) a[1]).longValue();
                return d.plusDays(plus ? n : -n);
            });
        }
        if (l == PgType.INT4 && r == PgType.DATE && plus) {
            return new Resolved(PgType.INT4, PgType.DATE, PgType.DATE, (a, ctx) -> ((LocalDate) a[1]).plusDays((Integer) a[0]));
        }
        if (l == PgType.DATE && r == PgType.DATE && minus) {
            return new Resolved(PgType.DATE, PgType.DATE, PgType.INT4,
                    (a, ctx) -> (int) ChronoUnit.DAYS.between((LocalDate) a[1], (LocalDate) a[0]));
        }
        boolean rInterval = r == PgType.INTERVAL || (r == PgType.UNKNOWN && isDateTime(l));
        if ((l == PgType.DATE || l == PgType.TIMESTAMP) && rInterval && (plus || minus)) {
            return new Resolved(PgType.TIMESTAMP, PgType.INTERVAL, PgType.TIMESTAMP, (a, ctx) -> {
                Interval iv = (Interval) a[1];
                return DateTimes.plus((LocalDateTime) a[0], plus ? iv : iv.negate());
            });
        }
        if (l == PgType.TIMESTAMPTZ && rInterval && (plus || minus)) {
            return new Resolved(PgType.TIMESTAMPTZ, PgType.INTERVAL, PgType.TIMESTAMPTZ, (a, ctx) -> {
                Interval iv = (Interval) a[1];
                return DateTimes.plus((Instant) a[0], plus ? iv : iv.negate(), ctx.format().timeZone());
            });
        }
        if (l == PgType.INTERVAL && isDateTime(r) && plus) {
            PgType rt = r == PgType.TIMESTAMPTZ ? PgType.TIMESTAMPTZ : PgType.TIMESTAMP;
            return new Resolved(PgType.INTERVAL, rt, rt, (a, ctx) -> rt == PgType.TIMESTAMPTZ
                    ? DateTimes.plus((Instant) a[1], (Interval) a[0], ctx.format().timeZone())
                    : DateTimes.plus((LocalDateTime) a[1], (Interval) a[0]));
        }
        if (isDateTime(l) && isDateTime(r) && minus && !(l == PgType.DATE && r == PgType.DATE)) {
            PgType c = dateRank(l) >= dateRank(r) ? l : r;
            if (c == PgType.DATE) c = PgType.TIMESTAMP;
            PgType ct = c;
            return new Resolved(ct, ct, PgType.INTERVAL, (a, ctx) -> ct == PgType.TIMESTAMPTZ
                    ? DateTimes.minus((Instant) a[0], (Instant) a[1])
                    : DateTimes.minus((LocalDateTime) a[0], (LocalDateTime) a[1]));
        }
        if (l == PgType.DATE && r == PgType.TIME && plus) {
            return new Resolved(PgType.DATE, PgType.TIME, PgType.TIMESTAMP,
                    (a, ctx) -> ((LocalDate) a[0]).atTime((LocalTime) a[1]));
        }
        if (l == PgType.TIME && (r == PgType.INTERVAL) && (plus || minus)) {
            return new Resolved(PgType.TIME, PgType.INTERVAL, PgType.TIME, (a, ctx) -> {
                long m = ((Interval) a[1]).micros();
                return ((LocalTime) a[0]).plusNanos((plus ? m : -m) * 1000);
            });
        }
        if (l == PgType.TIME && r == PgType.TIME && minus) {
            return new Resolved(PgType.TIME, PgType.TIME, PgType.INTERVAL, (a, ctx) ->
                    new Interval(0, 0, (((LocalTime) a[0]).toNanoOfDay() - ((LocalTime) a[1]).toNanoOfDay()) / 1000));
        }
        boolean lI = l == PgType.INTERVAL || (l == PgType.UNKNOWN && r == PgType.INTERVAL);
        boolean rI = r == PgType.INTERVAL || (r == PgType.UNKNOWN && l == PgType.INTERVAL);
        if (lI && rI && (plus || minus)) {
            return new Resolved(PgType.INTERVAL, PgType.INTERVAL, PgType.INTERVAL, (a, ctx) -> {
                Interval x = (Interval) a[0];
                Interval y = (Interval) a[1];
                try {
                    return x.plus(plus ? y : y.negate());
                } catch (ArithmeticException e) {
                    throw PgException.error(SqlState.DATETIME_FIELD_OVERFLOW, "interval out of range");
                }
            });
        }
        if (l == PgType.INTERVAL && Casts.isNumeric(r) && (op.equals("*") || op.equals("/"))) {
            boolean mul = op.equals("*");
            return new Resolved(PgType.INTERVAL, PgType.FLOAT8, PgType.INTERVAL, (a, ctx) -> {
                double f = (Double) a[1];
                if (!mul && f == 0) throw divisionByZero();
                return Functions.intervalMultiply((Interval) a[0], mul ? f : 1 / f);
            });
        }
        if (Casts.isNumeric(l) && r == PgType.INTERVAL && op.equals("*")) {
            return new Resolved(PgType.FLOAT8, PgType.INTERVAL, PgType.INTERVAL,
                    (a, ctx) -> Functions.intervalMultiply((Interval) a[1], (Double) a[0]));
        }
        return null;
    }

    public static Resolved unary(String op, PgType t) {
        PgType a = t == PgType.UNKNOWN ? PgType.FLOAT8 : t;
        switch (op) {
            case "-" -> {
                if (a == PgType.INTERVAL) {
                    return new Resolved(a, a, a, (v, ctx) -> ((Interval) v[0]).negate());
                }
                if (!Casts.isNumeric(a) || a == PgType.OID) return null;
                return new Resolved(a, a, a, (v, ctx) -> switch (a) {
                    case INT2, INT4, INT8 -> {
                        long x = ((Number) v[0]).longValue();
                        if (a == PgType.INT8 && x == Long.MIN_VALUE) throw Casts.outOfRange(a);
                        yield Casts.boxInteger(-x, a);
                    }
                    case NUMERIC -> ((BigDecimal) v[0]).negate();
                    case FLOAT4 -> -(Float) v[0];
                    default -> -(Double) v[0];
                });
            }
            case "+" -> {
                if (!Casts.isNumeric(a)) return null;
                return new Resolved(a, a, a, (v, ctx) -> v[0]);
            }
            case "@" -> {
                if (!Casts.isNumeric(a)) return null;
                return new Resolved(a, a, a, (v, ctx) -> Functions.abs(v[0], a));
            }
            case "|/" -> {
                return new Resolved(PgType.FLOAT8, PgType.FLOAT8, PgType.FLOAT8, (v, ctx) -> {
                    double d = (Double) v[0];
                    if (d < 0) {
                        throw PgException.error(SqlState.INVALID_ARGUMENT_FOR_POWER_FUNCTION,
                                "cannot take square root of a negative number");
                    }
                    return Math.sqrt(d);
                });
            }
            case "~" -> {
                if (!Casts.isInteger(a)) return null;
                return new Resolved(a, a, a, (v, ctx) -> Casts.boxInteger(~((Number) v[0]).longValue(), a));
            }
            default -> { return null; }
        }
    }

    static BigDecimal round(BigDecimal v, int scale) { return v.setScale(scale, RoundingMode.HALF_UP); }

    static MathContext mc(int digits) { return new MathContext(digits, RoundingMode.HALF_UP); }
}
