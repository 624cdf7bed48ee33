package org.pgkernel.sql.internal.types;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Ordering and equality of values of one type, as the btree operator classes define them:
 * numbers by value (1.0 = 1.00), strings by code point (the "C" collation), NaN greater
 * than every other float, false before true.
 */
public final class Values {
    private Values() { }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static int compare(Object a, Object b) {
        if (a instanceof BigDecimal x && b instanceof BigDecimal y) return x.compareTo(y);
        if (a instanceof Double x && b instanceof Double y) return Double.compare(x == -0.0 ? 0.0 : x, y == -0.0 ? 0.0 : y);
        if (a instanceof Float x && b instanceof Float y) return Float.compare(x == -0.0f ? 0.0f : x, y == -0.0f ? 0.0f : y);
        if (a instanceof String x && b instanceof String y) return compareText(x, y);
        if (a instanceof byte[] x && b instanceof byte[] y) return Arrays.compareUnsigned(x, y);
        if (a instanceof Object[] x && b instanceof Object[] y) {
            for (int i = 0; i < Math.min(x.length, y.length); i++) {
                if (x[i] == null || y[i] == null) {
                    if (x[i] != y[i]) return x[i] == null ? 1 : -1;
                    continue;
                }
                int c = compare(x[i], y[i]);
                if (c != 0) return c;
            }
            return Integer.compare(x.length, y.length);
        }
        if (a instanceof Number x && b instanceof Number y && !(a instanceof BigDecimal) && !(b instanceof BigDecimal)) {
            if (a instanceof Double || a instanceof Float || b instanceof Double || b instanceof Float) {
                return Double.compare(x.doubleValue(), y.doubleValue());
            }
            return Long.compare(x.longValue(), y.longValue());
        }
        if (a instanceof Number && b instanceof Number) return Casts.toNumeric(a).compareTo(Casts.toNumeric(b));
        return ((Comparable) a).compareTo(b);
    }

    /** Code point order, the "C" collation. */
    public static int compareText(String x, String y) {
        int n = Math.min(x.length(), y.length());
        for (int i = 0; i < n; i++) {
            char a = x.charAt(i);
            char b = y.charAt(i);
            if (a != b) {
                if (Character.isSurrogate(a) || Character.isSurrogate(b)) return x.codePointAt(i) - y.codePointAt(i);
                return a - b;
            }
        }
        return x.length() - y.length();
    }

    /** A key with value equality for hashing (GROUP BY, DISTINCT). */
    public static Object hashKey(Object v) {
        if (v instanceof BigDecimal b) return b.signum() == 0 ? BigDecimal.ZERO : b.stripTrailingZeros();
        if (v instanceof byte[] b) return ByteBuffer.wrap(b);
        if (v instanceof Double d && d == -0.0) return 0.0;
        if (v instanceof Object[] a) return Arrays.asList(Arrays.stream(a).map(Values::hashKey).toArray());
        return v;
    }

    public static boolean equal(Object a, Object b) { return compare(a, b) == 0; }
}
