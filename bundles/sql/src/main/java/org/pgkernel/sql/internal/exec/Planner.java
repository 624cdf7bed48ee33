package org.pgkernel.sql.internal.exec;

import java.util.ArrayList;
import java.util.List;

/**
 * The plan-time pass (cf. planner.c's eval_const_expressions()): folds immutable
 * expressions over constants in every node, with the bound parameter values substituted
 * as a custom plan does. So {@code SELECT 1/0} fails before any row or RowDescription is
 * sent, and an extended-protocol {@code SELECT 1/$1} with 0 fails in Bind, as in PostgreSQL.
 */
public final class Planner {
    private Planner() { }

    public static PlanNode fold(PlanNode node, ExecContext ctx) {
        return switch (node) {
            case Nodes.Result r -> r;
            case Nodes.ValuesScan v -> {
                List<List<BoundExpr>> rows = new ArrayList<>();
                for (List<BoundExpr> row : v.rows()) rows.add(exprs(row, ctx));
                yield new Nodes.ValuesScan(v.columns(), rows);
            }
            case Nodes.FunctionScan f -> {
                if (f.check() != null) f.check().accept(ctx);
                yield f;
            }
            case Nodes.NestLoop n -> new Nodes.NestLoop(n.columns(), fold(n.outer(), ctx), fold(n.inner(), ctx),
                    expr(n.condition(), ctx), n.leftJoin());
            case Nodes.Filter f -> new Nodes.Filter(fold(f.input(), ctx), expr(f.condition(), ctx));
            case Nodes.Project p -> new Nodes.Project(p.columns(), fold(p.input(), ctx), exprs(p.exprs(), ctx));
            case Nodes.Agg a -> {
                List<Nodes.AggCall> calls = new ArrayList<>();
                for (Nodes.AggCall c : a.aggs()) calls.add(new Nodes.AggCall(c.def(), exprs(c.args(), ctx), c.distinct()));
                yield new Nodes.Agg(a.columns(), fold(a.input(), ctx), exprs(a.groupKeys(), ctx), calls);
            }
            case Nodes.Sort s -> new Nodes.Sort(fold(s.input(), ctx), s.keys());
            case Nodes.Distinct d -> new Nodes.Distinct(fold(d.input(), ctx), d.width());
            case Nodes.Limit l -> new Nodes.Limit(fold(l.input(), ctx), expr(l.limit(), ctx), expr(l.offset(), ctx));
            case Nodes.Narrow n -> new Nodes.Narrow(n.columns(), fold(n.input(), ctx));
            case Nodes.SetOperation s -> new Nodes.SetOperation(s.columns(), fold(s.left(), ctx), fold(s.right(), ctx),
                    s.op(), s.all());
            default -> node;
        };
    }

    private static BoundExpr expr(BoundExpr e, ExecContext ctx) {
        return e == null ? null : Exprs.fold(e, ctx, true);
    }

    private static List<BoundExpr> exprs(List<BoundExpr> es, ExecContext ctx) {
        List<BoundExpr> out = new ArrayList<>(es.size());
        for (BoundExpr e : es) out.add(expr(e, ctx));
        return out;
    }
}
