package org.pgkernel.sql.internal.func;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.SqlState;
import org.pgkernel.sql.internal.exec.ExecContext;
import org.pgkernel.sql.internal.types.DateTimes;
import org.pgkernel.sql.internal.types.Interval;
import org.pgkernel.sql.internal.types.PgType;
import org.pgkernel.sql.internal.types.Values;

/**
 * Set-returning functions usable in FROM: generate_series over integers, bigints, numerics
 * and timestamps, unnest, and pg_listening_channels(). They stream: each row is computed when the scan asks for
 * it, so {@code generate_series(1, 100000000)} runs in constant memory.
 */
public final class TableFunctions {
    private TableFunctions() { }

    /** A resolved set-returning function: its argument types, column type and row generator. */
    public record Def(List<PgType> args, PgType result, Generator generator) { }

    @FunctionalInterface
    public interface Generator {
        Iterator<Object> rows(Object[] args, ExecContext ctx);
    }

    public static boolean isSetReturning(String name) {
        return name.equals("generate_series") || name.equals("unnest") || name.equals("pg_listening_channels");
    }

    /** Overloads in resolution order. */
    public static List<Def> overloads(String name) {
        if (name.equals("unnest")) {
            return List.of(new Def(List.of(PgType.TEXT_ARRAY), PgType.TEXT, TableFunctions::unnest),
                    new Def(List.of(PgType.INT4_ARRAY), PgType.INT4, TableFunctions::unnest),
                    new Def(List.of(PgType.INT8_ARRAY), PgType.INT8, TableFunctions::unnest),
                    new Def(List.of(PgType.NUMERIC_ARRAY), PgType.NUMERIC, TableFunctions::unnest),
                    new Def(List.of(PgType.FLOAT8_ARRAY), PgType.FLOAT8, TableFunctions::unnest),
                    new Def(List.of(PgType.BOOL_ARRAY), PgType.BOOL, TableFunctions::unnest));
        }
        if (name.equals("pg_listening_channels")) {
            return List.of(new Def(List.of(), PgType.TEXT, TableFunctions::listeningChannels));
        }
        if (!name.equals("generate_series")) return List.of();
        return List.of(
                new Def(List.of(PgType.INT4, PgType.INT4), PgType.INT4, (a, c) -> longs(a, PgType.INT4)),
                new Def(List.of(PgType.INT4, PgType.INT4, PgType.INT4), PgType.INT4, (a, c) -> longs(a, PgType.INT4)),
                new Def(List.of(PgType.INT8, PgType.INT8), PgType.INT8, (a, c) -> longs(a, PgType.INT8)),
                new Def(List.of(PgType.INT8, PgType.INT8, PgType.INT8), PgType.INT8, (a, c) -> longs(a, PgType.INT8)),
                new Def(List.of(PgType.NUMERIC, PgType.NUMERIC), PgType.NUMERIC, TableFunctions::numerics),
                new Def(List.of(PgType.NUMERIC, PgType.NUMERIC, PgType.NUMERIC), PgType.NUMERIC, TableFunctions::numerics),
                new Def(List.of(PgType.TIMESTAMP, PgType.TIMESTAMP, PgType.INTERVAL), PgType.TIMESTAMP,
                        TableFunctions::timestamps),
                new Def(List.of(PgType.TIMESTAMPTZ, PgType.TIMESTAMPTZ, PgType.INTERVAL), PgType.TIMESTAMPTZ,
                        TableFunctions::timestamptzs));
    }

    /** pg_listening_channels(): the session's channels, in the order of their LISTENs. */
    private static Iterator<Object> listeningChannels(Object[] a, ExecContext c) {
        if (c.hooks() == null) return java.util.Collections.emptyIterator();
        return List.<Object>copyOf(c.hooks().listeningChannels()).iterator();
    }

    private static Iterator<Object> unnest(Object[] a, ExecContext c) {
        return java.util.Arrays.asList((Object[]) a[0]).iterator();
    }

    private static Iterator<Object> longs(Object[] a, PgType t) {
        long start = ((Number) a[0]).longValue();
        long stop = ((Number) a[1]).longValue();
        long step = a.length > 2 ? ((Number) a[2]).longValue() : 1;
        if (step == 0) throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "step size cannot equal zero");
        return new Iterator<>() {
            long next = start;
            boolean done = step > 0 ? start > stop : start < stop;

            @Override public boolean hasNext() { return !done; }

            @Override public Object next() {
                if (done) throw new NoSuchElementException();
                long v = next;
                try {
                    next = Math.addExact(next, step);
                    if (step > 0 ? next > stop : next < stop) done = true;
                } catch (ArithmeticException e) {
                    done = true;
                }
                return t == PgType.INT4 ? (Object) (int) v : (Object) v;
            }
        };
    }

    private static Iterator<Object> numerics(Object[] a, ExecContext c) {
        BigDecimal start = (BigDecimal) a[0];
        BigDecimal stop = (BigDecimal) a[1];
        BigDecimal step = a.length > 2 ? (BigDecimal) a[2] : BigDecimal.ONE;
        if (step.signum() == 0) throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "step size cannot equal zero");
        int scale = Math.max(start.scale(), step.scale());
        return new Iterator<>() {
            BigDecimal next = start.setScale(Math.max(scale, 0));

            @Override public boolean hasNext() { return step.signum() > 0 ? next.compareTo(stop) <= 0 : next.compareTo(stop) >= 0; }

            @Override public Object next() {
                BigDecimal v = next;
                next = next.add(step);
                return v;
            }
        };
    }

    private static Iterator<Object> timestamps(Object[] a, ExecContext c) {
        LocalDateTime start = (LocalDateTime) a[0];
        LocalDateTime stop = (LocalDateTime) a[1];
        Interval step = (Interval) a[2];
        int dir = checkStep(step);
        return new Iterator<>() {
            LocalDateTime next = start;

            @Override public boolean hasNext() { return dir > 0 ? !next.isAfter(stop) : !next.isBefore(stop); }

            @Override public Object next() {
                LocalDateTime v = next;
                next = DateTimes.plus(next, step);
                return v;
            }
        };
    }

    private static Iterator<Object> timestamptzs(Object[] a, ExecContext c) {
        Instant start = (Instant) a[0];
        Instant stop = (Instant) a[1];
        Interval step = (Interval) a[2];
        int dir = checkStep(step);
        return new Iterator<>() {
            Instant next = start;

            @Override public boolean hasNext() { return dir > 0 ? !next.isAfter(stop) : !next.isBefore(stop); }

            @Override public Object next() {
                Instant v = next;
                next = DateTimes.plus(next, step, c.format().timeZone());
                return v;
            }
        };
    }

    private static int checkStep(Interval step) {
        int s = Values.compare(step, new Interval(0, 0, 0));
        if (s == 0) throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "step size cannot equal zero");
        return s;
    }
}
