package org.pgkernel.sql.internal.types;

/**
 * An interval value as PostgreSQL stores it (datatype/timestamp.h Interval): months, days
 * and microseconds kept apart, because a month and a day have no fixed length.
 */
public record Interval(int months, int days, long micros) implements Comparable<Interval> {
    public static final long MICROS_PER_DAY = 86_400_000_000L;

    /** The span used for comparison (interval_cmp_value): 30-day months, 24-hour days. */
    public java.math.BigInteger span() {
        return java.math.BigInteger.valueOf(months).multiply(java.math.BigInteger.valueOf(30L * MICROS_PER_DAY))
                .add(java.math.BigInteger.valueOf(days).multiply(java.math.BigInteger.valueOf(MICROS_PER_DAY)))
                .add(java.math.BigInteger.valueOf(micros));
    }

    @Override
    public int compareTo(Interval o) { return span().compareTo(o.span()); }

    public Interval negate() { return new Interval(-months, -days, -micros); }

    public Interval plus(Interval o) {
        return new Interval(Math.addExact(months, o.months), Math.addExact(days, o.days), Math.addExact(micros, o.micros));
    }
}
