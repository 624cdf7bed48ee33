package org.pgkernel.sql.internal.exec;

import java.util.ArrayList;
import java.util.List;
import org.pgkernel.sql.internal.types.PgType;

/** The expression node kinds, and constant folding (cf. eval_const_expressions()). */
public final class Exprs {
    private Exprs() { }

    /** A constant. */
    public static final class ConstExpr extends BoundExpr {
        private final Object value;

        public ConstExpr(PgType type, Object value) {
            super(type);
            this.value = value;
        }

        public Object value() { return value; }

        @Override public Object eval(Object[] row, ExecContext ctx) { return value; }
    }

    /** $n; the type lives in the statement's parameter type array so that later context can fix it. */
    public static final class ParamExpr extends BoundExpr {
        private final int index;
        private final PgType[] types;

        public ParamExpr(int index, PgType[] types) {
            super(PgType.UNKNOWN);
            this.index = index;
            this.types = types;
        }

        public int index() { return index; }

        @Override public PgType type() { return types[index] == null ? PgType.UNKNOWN : types[index]; }

        @Override public Object eval(Object[] row, ExecContext ctx) { return ctx.params()[index]; }

        @Override public Volatility volatility() { return Volatility.STABLE; }
    }

    /** A column of the input row. */
    public static final class ColumnExpr extends BoundExpr {
        private final int index;

        public ColumnExpr(int index, PgType type) {
            super(type);
            this.index = index;
        }

        public int index() { return index; }

        @Override public Object eval(Object[] row, ExecContext ctx) { return row[index]; }

        @Override public Volatility volatility() { return Volatility.VOLATILE; }
    }

    /** A function body over evaluated arguments. */
    @FunctionalInterface
    public interface Impl {
        Object apply(Object[] args, ExecContext ctx);
    }

    /** A function body that evaluates its arguments itself (AND, OR, CASE, COALESCE …). */
    @FunctionalInterface
    public interface LazyImpl {
        Object apply(List<BoundExpr> args, Object[] row, ExecContext ctx);
    }

    /** A function or operator call; strict ones return NULL on any NULL argument without being called. */
    public static final class FuncExpr extends BoundExpr {
        private final String name;
        private final List<BoundExpr> args;
        private final Impl impl;
        private final boolean strict;
        private final Volatility volatility;

        public FuncExpr(String name, PgType type, List<BoundExpr> args, Impl impl, boolean strict, Volatility volatility) {
            super(type);
            this.name = name;
            this.args = List.copyOf(args);
            this.impl = impl;
            this.strict = strict;
            this.volatility = volatility;
        }

        public String name() { return name; }

        @Override public Object eval(Object[] row, ExecContext ctx) {
            Object[] values = new Object[args.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = args.get(i).eval(row, ctx);
                if (values[i] == null && strict) return null;
            }
            return impl.apply(values, ctx);
        }

        @Override public List<BoundExpr> children() { return args; }

        @Override public BoundExpr withChildren(List<BoundExpr> c) {
            return new FuncExpr(name, type(), c, impl, strict, volatility);
        }

        @Override public Volatility volatility() { return volatility; }
    }

    /** A node that controls the evaluation of its arguments. */
    public static final class LazyExpr extends BoundExpr {
        private final List<BoundExpr> args;
        private final LazyImpl impl;

        public LazyExpr(PgType type, List<BoundExpr> args, LazyImpl impl) {
            super(type);
            this.args = java.util.Collections.unmodifiableList(new ArrayList<>(args));
            this.impl = impl;
        }

        @Override public Object eval(Object[] row, ExecContext ctx) { return impl.apply(args, row, ctx); }

        @Override public List<BoundExpr> children() { return args; }

        @Override public BoundExpr withChildren(List<BoundExpr> c) { return new LazyExpr(type(), c, impl); }
    }

    /** A subquery evaluated per use (scalar, EXISTS, IN, ARRAY). */
    public static final class SubqueryExpr extends BoundExpr {
        @FunctionalInterface
        public interface Body {
            Object run(Object[] row, ExecContext ctx);
        }

        private final Body body;

        public SubqueryExpr(PgType type, Body body) {
            super(type);
            this.body = body;
        }

        @Override public Object eval(Object[] row, ExecContext ctx) { return body.run(row, ctx); }

        @Override public Volatility volatility() { return Volatility.VOLATILE; }
    }

    /**
     * Replaces parameters by their values (when {@code params} is not null) and evaluates
     * immutable nodes whose children are all constants. Errors (e.g. division by zero)
     * surface here, at plan time, as PostgreSQL's planner raises them.
     */
    public static BoundExpr fold(BoundExpr e, ExecContext ctx, boolean substituteParams) {
        if (e instanceof ParamExpr p) {
            if (substituteParams && ctx.params() != null) return new ConstExpr(p.type(), ctx.params()[p.index()]);
            return e;
        }
        List<BoundExpr> children = e.children();
        if (children.isEmpty()) return e;
        List<BoundExpr> folded = new ArrayList<>(children.size());
        boolean changed = false;
        boolean allConst = true;
        for (BoundExpr c : children) {
            BoundExpr f = fold(c, ctx, substituteParams);
            folded.add(f);
            changed |= f != c;
            allConst &= f instanceof ConstExpr;
        }
        BoundExpr node = changed ? e.withChildren(folded) : e;
        if (allConst && node.volatility() == BoundExpr.Volatility.IMMUTABLE) {
            return new ConstExpr(node.type(), node.eval(new Object[0], ctx));
        }
        return node;
    }
}
