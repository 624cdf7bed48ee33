package org.pgkernel.sql.internal.exec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.SqlState;
import org.pgkernel.sql.internal.func.Aggregates;
import org.pgkernel.sql.internal.types.Values;

/**
 * The plan node kinds (cf. nodeResult.c, nodeFunctionscan.c, nodeNestloop.c, nodeAgg.c,
 * nodeSort.c, nodeLimit.c, nodeUnique.c, nodeAppend.c).
 */
public final class Nodes {
    private Nodes() { }

    /** One row with no columns: SELECT without FROM. */
    public record Result() implements PlanNode {
        @Override public List<Column> columns() { return List.of(); }

        @Override public RowSource open(ExecContext ctx) {
            return new RowSource() {
                boolean done;

                @Override public Object[] next() {
                    if (done) return null;
                    done = true;
                    return new Object[0];
                }
            };
        }
    }

    /** VALUES lists. */
    public record ValuesScan(List<Column> columns, List<List<BoundExpr>> rows) implements PlanNode {
        @Override public RowSource open(ExecContext ctx) {
            Iterator<List<BoundExpr>> it = rows.iterator();
            return () -> {
                if (!it.hasNext()) return null;
                List<BoundExpr> r = it.next();
                Object[] out = new Object[r.size()];
                for (int i = 0; i < out.length; i++) out[i] = r.get(i).eval(new Object[0], ctx);
                return out;
            };
        }
    }

    /**
     * A scan over rows produced by a function of the context (views, set-returning functions).
     * {@code check}, when not null, is the privilege check the planner runs before anything is
     * sent (cf. ExecCheckRTPerms()).
     */
    public record FunctionScan(List<Column> columns, Function<ExecContext, Iterator<Object[]>> rows,
                               java.util.function.Consumer<ExecContext> check) implements PlanNode {
        public FunctionScan(List<Column> columns, Function<ExecContext, Iterator<Object[]>> rows) {
            this(columns, rows, null);
        }

        @Override public RowSource open(ExecContext ctx) {
            Iterator<Object[]> it = rows.apply(ctx);
            return () -> it.hasNext() ? it.next() : null;
        }
    }

    /** Nested loop join; the inner side is materialised once (it is re-scanned per outer row). */
    public record NestLoop(List<Column> columns, PlanNode outer, PlanNode inner, BoundExpr condition, boolean leftJoin)
            implements PlanNode {
        @Override public RowSource open(ExecContext ctx) {
            List<Object[]> innerRows = new ArrayList<>();
            try (RowSource in = inner.open(ctx)) {
                for (Object[] r; (r = in.next()) != null; ) {
                    ctx.checkForInterrupts();
                    innerRows.add(r);
                }
            }
            RowSource out = outer.open(ctx);
            int innerWidth = inner.columns().size();
            return new RowSource() {
                Object[] current;
                int pos;
                boolean matched;

                @Override public Object[] next() {
                    for (;;) {
                        if (current == null) {
                            current = out.next();
                            if (current == null) return null;
                            pos = 0;
                            matched = false;
                        }
                        while (pos < innerRows.size()) {
                            Object[] r = innerRows.get(pos++);
                            Object[] joined = new Object[current.length + r.length];
                            System.arraycopy(current, 0, joined, 0, current.length);
                            System.arraycopy(r, 0, joined, current.length, r.length);
                            if (condition == null || Boolean.TRUE.equals(condition.eval(joined, ctx))) {
                                matched = true;
                                return joined;
                            }
                        }
                        Object[] last = current;
                        current = null;
                        if (leftJoin && !matched) {
                            Object[] joined = new Object[last.length + innerWidth];
                            System.arraycopy(last, 0, joined, 0, last.length);
                            return joined;
                        }
                    }
                }

                @Override public void close() { out.close(); }
            };
        }
    }

    /** WHERE / HAVING. */
    public record Filter(PlanNode input, BoundExpr condition) implements PlanNode {
        @Override public List<Column> columns() { return input.columns(); }

        @Override public RowSource open(ExecContext ctx) {
            RowSource in = input.open(ctx);
            return new RowSource() {
                @Override public Object[] next() {
                    for (Object[] r; (r = in.next()) != null; ) {
                        if (Boolean.TRUE.equals(condition.eval(r, ctx))) return r;
                        ctx.checkForInterrupts();
                    }
                    return null;
                }

                @Override public void close() { in.close(); }
            };
        }
    }

    /** The target list. */
    public record Project(List<Column> columns, PlanNode input, List<BoundExpr> exprs) implements PlanNode {
        @Override public RowSource open(ExecContext ctx) {
            RowSource in = input.open(ctx);
            return new RowSource() {
                @Override public Object[] next() {
                    Object[] r = in.next();
                    if (r == null) return null;
                    Object[] out = new Object[exprs.size()];
                    for (int i = 0; i < out.length; i++) out[i] = exprs.get(i).eval(r, ctx);
                    return out;
                }

                @Override public void close() { in.close(); }
            };
        }
    }

    /** One aggregate call of an Agg node: its function, argument expressions and DISTINCT flag. */
    public record AggCall(Aggregates.Definition def, List<BoundExpr> args, boolean distinct) { }

    /**
     * Hash aggregation: output rows are the group key values followed by the aggregate
     * results. Without GROUP BY there is exactly one group, even over no input.
     */
    public record Agg(List<Column> columns, PlanNode input, List<BoundExpr> groupKeys, List<AggCall> aggs)
            implements PlanNode {
        @Override public RowSource open(ExecContext ctx) {
            Map<List<Object>, Object[]> groups = new LinkedHashMap<>();
            Map<List<Object>, Aggregates.Accumulator[]> states = new HashMap<>();
            Map<List<Object>, List<Set<List<Object>>>> seen = new HashMap<>();
            try (RowSource in = input.open(ctx)) {
                for (Object[] r; (r = in.next()) != null; ) {
                    ctx.checkForInterrupts();
                    Object[] keyValues = new Object[groupKeys.size()];
                    List<Object> key = new ArrayList<>(groupKeys.size());
                    for (int i = 0; i < keyValues.length; i++) {
                        keyValues[i] = groupKeys.get(i).eval(r, ctx);
                        key.add(Values.hashKey(keyValues[i]));
                    }
                    Aggregates.Accumulator[] acc = states.get(key);
                    if (acc == null) {
                        groups.put(key, keyValues);
                        acc = newStates();
                        states.put(key, acc);
                        List<Set<List<Object>>> sets = new ArrayList<>();
                        for (int i = 0; i < aggs.size(); i++) sets.add(new HashSet<>());
                        seen.put(key, sets);
                    }
                    for (int i = 0; i < aggs.size(); i++) {
                        AggCall call = aggs.get(i);
                        Object[] args = new Object[call.args().size()];
                        List<Object> argKey = new ArrayList<>();
                        for (int a = 0; a < args.length; a++) {
                            args[a] = call.args().get(a).eval(r, ctx);
                            argKey.add(Values.hashKey(args[a]));
                        }
                        if (call.distinct() && !seen.get(key).get(i).add(argKey)) continue;
                        acc[i].add(args);
                    }
                }
            }
            if (groupKeys.isEmpty() && groups.isEmpty()) {
                groups.put(List.of(), new Object[0]);
                states.put(List.of(), newStates());
            }
            Iterator<Map.Entry<List<Object>, Object[]>> it = groups.entrySet().iterator();
            return () -> {
                if (!it.hasNext()) return null;
                Map.Entry<List<Object>, Object[]> e = it.next();
                Aggregates.Accumulator[] acc = states.get(e.getKey());
                Object[] out = new Object[groupKeys.size() + aggs.size()];
                System.arraycopy(e.getValue(), 0, out, 0, groupKeys.size());
                for (int i = 0; i < aggs.size(); i++) out[groupKeys.size() + i] = acc[i].result();
                return out;
            };
        }

        private Aggregates.Accumulator[] newStates() {
            Aggregates.Accumulator[] acc = new Aggregates.Accumulator[aggs.size()];
            for (int i = 0; i < acc.length; i++) acc[i] = aggs.get(i).def().newAccumulator();
            return acc;
        }
    }

    /** One ORDER BY key: a column of the input, direction and NULLS placement. */
    public record SortKey(int column, boolean descending, boolean nullsFirst) { }

    /** ORDER BY: materialises its input. */
    public record Sort(PlanNode input, List<SortKey> keys) implements PlanNode {
        @Override public List<Column> columns() { return input.columns(); }

        @Override public RowSource open(ExecContext ctx) {
            List<Object[]> rows = new ArrayList<>();
            try (RowSource in = input.open(ctx)) {
                for (Object[] r; (r = in.next()) != null; ) {
                    ctx.checkForInterrupts();
                    rows.add(r);
                }
            }
            rows.sort(comparator(keys));
            Iterator<Object[]> it = rows.iterator();
            return () -> it.hasNext() ? it.next() : null;
        }
    }

    static Comparator<Object[]> comparator(List<SortKey> keys) {
        return (a, b) -> {
            for (SortKey k : keys) {
                Object x = a[k.column()];
                Object y = b[k.column()];
                int c;
                if (x == null || y == null) {
                    if (x == y) continue;
                    c = (x == null) == k.nullsFirst() ? -1 : 1;
                    if (c != 0) return c;
                    continue;
                }
                c = Values.compare(x, y);
                if (k.descending()) c = -c;
                if (c != 0) return c;
            }
            return 0;
        };
    }

    /** SELECT DISTINCT over the first {@code width} columns, keeping first occurrences. */
    public record Distinct(PlanNode input, int width) implements PlanNode {
        @Override public List<Column> columns() { return input.columns(); }

        @Override public RowSource open(ExecContext ctx) {
            RowSource in = input.open(ctx);
            Set<List<Object>> seen = new HashSet<>();
            return new RowSource() {
                @Override public Object[] next() {
                    for (Object[] r; (r = in.next()) != null; ) {
                        List<Object> key = new ArrayList<>(width);
                        for (int i = 0; i < width; i++) key.add(Values.hashKey(r[i]));
                        if (seen.add(key)) return r;
                        ctx.checkForInterrupts();
                    }
                    return null;
                }

                @Override public void close() { in.close(); }
            };
        }
    }

    /** LIMIT / OFFSET; both evaluated once at open, NULL meaning none. */
    public record Limit(PlanNode input, BoundExpr limit, BoundExpr offset) implements PlanNode {
        @Override public List<Column> columns() { return input.columns(); }

        @Override public RowSource open(ExecContext ctx) {
            long lim = Long.MAX_VALUE;
            long off = 0;
            if (limit != null) {
                Object v = limit.eval(new Object[0], ctx);
                if (v != null) {
                    lim = ((Number) v).longValue();
                    if (lim < 0) {
                        throw PgException.error(SqlState.INVALID_ROW_COUNT_IN_LIMIT_CLAUSE, "LIMIT must not be negative");
                    }
                }
            }
            if (offset != null) {
                Object v = offset.eval(new Object[0], ctx);
                if (v != null) {
                    off = ((Number) v).longValue();
                    if (off < 0) {
                        throw PgException.error(SqlState.INVALID_ROW_COUNT_IN_RESULT_OFFSET_CLAUSE,
                                "OFFSET must not be negative");
                    }
                }
            }
            long limitRows = lim;
            long skip = off;
            if (limitRows == 0) return () -> null;
            RowSource in = input.open(ctx);
            return new RowSource() {
                long skipped;
                long returned;

                @Override public Object[] next() {
                    if (returned >= limitRows) return null;
                    while (skipped < skip) {
                        if (in.next() == null) return null;
                        skipped++;
                        ctx.checkForInterrupts();
                    }
                    Object[] r = in.next();
                    if (r != null) returned++;
                    return r;
                }

                @Override public void close() { in.close(); }
            };
        }
    }

    /** Keeps the first {@code width} columns (drops sort-only columns). */
    public record Narrow(List<Column> columns, PlanNode input) implements PlanNode {
        @Override public RowSource open(ExecContext ctx) {
            RowSource in = input.open(ctx);
            int width = columns.size();
            return new RowSource() {
                @Override public Object[] next() {
                    Object[] r = in.next();
                    if (r == null || r.length == width) return r;
                    return java.util.Arrays.copyOf(r, width);
                }

                @Override public void close() { in.close(); }
            };
        }
    }

    /** UNION [ALL] / INTERSECT / EXCEPT. */
    public record SetOperation(List<Column> columns, PlanNode left, PlanNode right, String op, boolean all)
            implements PlanNode {
        @Override public RowSource open(ExecContext ctx) {
            if (op.equals("UNION") && all) {
                RowSource l = left.open(ctx);
                return new RowSource() {
                    RowSource current = l;
                    boolean onRight;

                    @Override public Object[] next() {
                        Object[] r = current.next();
                        if (r == null && !onRight) {
                            current.close();
                            current = right.open(ctx);
                            onRight = true;
                            r = current.next();
                        }
                        return r;
                    }

                    @Override public void close() { current.close(); }
                };
            }
            Map<List<Object>, long[]> counts = new LinkedHashMap<>();
            Map<List<Object>, Object[]> firsts = new HashMap<>();
            for (int side = 0; side < 2; side++) {
                try (RowSource in = (side == 0 ? left : right).open(ctx)) {
                    for (Object[] r; (r = in.next()) != null; ) {
                        ctx.checkForInterrupts();
                        List<Object> key = new ArrayList<>();
                        for (Object o : r) key.add(Values.hashKey(o));
                        counts.computeIfAbsent(key, k -> new long[2])[side]++;
                        firsts.putIfAbsent(key, r);
                    }
                }
            }
            List<Object[]> out = new ArrayList<>();
            for (Map.Entry<List<Object>, long[]> e : counts.entrySet()) {
                long l = e.getValue()[0];
                long r = e.getValue()[1];
                long n = switch (op) {
                    case "UNION" -> 1;
                    case "INTERSECT" -> all ? Math.min(l, r) : (l > 0 && r > 0 ? 1 : 0);
                    default -> all ? Math.max(0, l - r) : (l > 0 && r == 0 ? 1 : 0);
                };
                for (long i = 0; i < n; i++) out.add(firsts.get(e.getKey()));
            }
            Iterator<Object[]> it = out.iterator();
            return () -> it.hasNext() ? it.next() : null;
        }
    }
}
