package org.pgkernel.sql.internal.func;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.pgkernel.sql.internal.types.Casts;
import org.pgkernel.sql.internal.types.Interval;
import org.pgkernel.sql.internal.types.PgType;
import org.pgkernel.sql.internal.types.Values;

/**
 * The aggregate functions (pg_aggregate): count, sum, avg, min, max, string_agg, bool_and,
 * bool_or/every, array_agg, with PostgreSQL's result types (sum(int4) is bigint,
 * sum(int8) and avg of integers are numeric).
 */
public final class Aggregates {
    private Aggregates() { }

    /** Running state of one aggregate over one group. Strict aggregates skip NULL inputs themselves. */
    public interface Accumulator {
        void add(Object[] args);

        Object result();
    }

    public record Definition(String name, PgType resultType, Supplier<Accumulator> factory) {
        public Accumulator newAccumulator() { return factory.get(); }
    }

    public static boolean isAggregate(String name) {
        return switch (name) {
            case "count", "sum", "avg", "min", "max", "string_agg", "bool_and", "bool_or", "every", "array_agg" -> true;
            default -> false;
        };
    }

    /** The definition for these argument types, or null when there is none (the caller reports 42883). */
    public static Definition resolve(String name, List<PgType> args, boolean star) {
        if (name.equals("count")) {
            if (star) return new Definition("count", PgType.INT8, () -> new Count(true));
            if (args.size() == 1) return new Definition("count", PgType.INT8, () -> new Count(false));
            return null;
        }
        if (name.equals("string_agg")) {
            if (args.size() == 2 && (args.get(0).isStringLike()) && args.get(1).isStringLike()) {
                return new Definition(name, PgType.TEXT, StringAgg::new);
            }
            if (args.size() == 2 && args.get(0) == PgType.BYTEA && args.get(1) == PgType.BYTEA) {
                return null;
            }
            return null;
        }
        if (args.size() != 1) return null;
        PgType t = args.get(0);
        switch (name) {
            case "sum" -> {
                return switch (t) {
                    case INT2, INT4 -> new Definition(name, PgType.INT8, () -> new Sum(PgType.INT8));
                    case INT8, NUMERIC -> new Definition(name, PgType.NUMERIC, () -> new Sum(PgType.NUMERIC));
                    case FLOAT4 -> new Definition(name, PgType.FLOAT4, () -> new Sum(PgType.FLOAT4));
                    case FLOAT8, UNKNOWN -> new Definition(name, PgType.FLOAT8, () -> new Sum(PgType.FLOAT8));
                    case INTERVAL -> new Definition(name, PgType.INTERVAL, () -> new Sum(PgType.INTERVAL));
                    default -> null;
                };
            }
            case "avg" -> {
                return switch (t) {
                    case INT2, INT4, INT8, NUMERIC -> new Definition(name, PgType.NUMERIC, () -> new Avg(PgType.NUMERIC));
                    case FLOAT4, FLOAT8, UNKNOWN -> new Definition(name, PgType.FLOAT8, () -> new Avg(PgType.FLOAT8));
                    case INTERVAL -> new Definition(name, PgType.INTERVAL, () -> new Avg(PgType.INTERVAL));
                    default -> null;
                };
            }
            case "min", "max" -> {
                if (t == PgType.BOOL || t == PgType.VOID || t == PgType.RECORD) return null;
                PgType rt = t == PgType.UNKNOWN || t == PgType.VARCHAR || t == PgType.NAME ? PgType.TEXT : t;
                boolean max = name.equals("max");
                return new Definition(name, rt, () -> new MinMax(max));
            }
            case "bool_and", "every" -> {
                return t == PgType.BOOL || t == PgType.UNKNOWN ? new Definition(name, PgType.BOOL, () -> new BoolAgg(true)) : null;
            }
            case "bool_or" -> {
                return t == PgType.BOOL || t == PgType.UNKNOWN ? new Definition(name, PgType.BOOL, () -> new BoolAgg(false)) : null;
            }
            case "array_agg" -> {
                PgType at = (t == PgType.UNKNOWN ? PgType.TEXT : t).arrayType();
                return at == null ? null : new Definition(name, at, ArrayAgg::new);
            }
            default -> {
                return null;
            }
        }
    }

    private static final class Count implements Accumulator {
        private final boolean star;
        private long n;

        Count(boolean star) { this.star = star; }

        @Override public void add(Object[] args) {
            if (star || args[0] != null) n++;
        }

        @Override public Object result() { return n; }
    }

    private static final class Sum implements Accumulator {
        private final PgType type;
        private Object sum;

        Sum(PgType type) { this.type = type; }

        @Override public void add(Object[] args) {
            Object v = args[0];
            if (v == null) return;
            switch (type) {
                case INT8 -> sum = (sum == null ? 0L : (Long) sum) + ((Number) v).longValue();
                case NUMERIC -> sum = (sum == null ? BigDecimal.ZERO : (BigDecimal) sum).add(Casts.toNumeric(v));
                case FLOAT4 -> sum = (sum == null ? 0f : (Float) sum) + ((Number) v).floatValue();
                case FLOAT8 -> sum = (sum == null ? 0d : (Double) sum) + ((Number) v).doubleValue();
                default -> sum = sum == null ? v : ((Interval) sum).plus((Interval) v);
            }
        }

        @Override public Object result() { return sum; }
    }

    private static final class Avg implements Accumulator {
        private final PgType type;
        private BigDecimal numeric = BigDecimal.ZERO;
        private double dbl;
        private Interval iv = new Interval(0, 0, 0);
        private long n;

        Avg(PgType type) { this.type = type; }

        @Override public void add(Object[] args) {
            Object v = args[0];
            if (v == null) return;
            n++;
            switch (type) {
                case NUMERIC -> numeric = numeric.add(Casts.toNumeric(v));
                case FLOAT8 -> dbl += ((Number) v).doubleValue();
                default -> iv = iv.plus((Interval) v);
            }
        }

        @Override public Object result() {
            if (n == 0) return null;
            return switch (type) {
                case NUMERIC -> Functions.divideNumeric(numeric, BigDecimal.valueOf(n));
                case FLOAT8 -> dbl / n;
                default -> Functions.intervalDivide(iv, n);
            };
        }
    }

    private static final class MinMax implements Accumulator {
        private final boolean max;
        private Object best;

        MinMax(boolean max) { this.max = max; }

        @Override public void add(Object[] args) {
            Object v = args[0];
            if (v == null) return;
            if (best == null) {
                best = v;
                return;
            }
            int c = Values.compare(v, best);
            if (max ? c > 0 : c < 0) best = v;
        }

        @Override public Object result() { return best; }
    }

    private static final class StringAgg implements Accumulator {
        private StringBuilder b;

        @Override public void add(Object[] args) {
            if (args[0] == null) return;
            if (b == null) {
                b = new StringBuilder();
            } else if (args[1] != null) {
                b.append((String) args[1]);
            }
            b.append((String) args[0]);
        }

        @Override public Object result() { return b == null ? null : b.toString(); }
    }

    private static final class BoolAgg implements Accumulator {
        private final boolean and;
        private Boolean value;

        BoolAgg(boolean and) { this.and = and; }

        @Override public void add(Object[] args) {
            if (args[0] == null) return;
            boolean v = (Boolean) args[0];
            value = value == null ? v : (and ? value && v : value || v);
        }

        @Override public Object result() { return value; }
    }

    private static final class ArrayAgg implements Accumulator {
        private List<Object> items;

        @Override public void add(Object[] args) {
            if (items == null) items = new ArrayList<>();
            items.add(args[0]);
        }

        @Override public Object result() { return items == null ? null : items.toArray(); }
    }

    static BigDecimal scale(BigDecimal v, int scale) { return v.setScale(scale, RoundingMode.HALF_UP); }
}
