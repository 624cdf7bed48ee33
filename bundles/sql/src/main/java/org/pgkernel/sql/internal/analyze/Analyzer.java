package org.pgkernel.sql.internal.analyze;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.SqlState;
import org.pgkernel.sql.internal.exec.BoundExpr;
import org.pgkernel.sql.internal.exec.ExecContext;
import org.pgkernel.sql.internal.exec.Exprs;
import org.pgkernel.sql.internal.exec.Exprs.ColumnExpr;
import org.pgkernel.sql.internal.exec.Exprs.ConstExpr;
import org.pgkernel.sql.internal.exec.Exprs.FuncExpr;
import org.pgkernel.sql.internal.exec.Exprs.LazyExpr;
import org.pgkernel.sql.internal.exec.Exprs.ParamExpr;
import org.pgkernel.sql.internal.exec.Nodes;
import org.pgkernel.sql.internal.exec.PlanNode;
import org.pgkernel.sql.internal.exec.PlanNode.Column;
import org.pgkernel.sql.internal.func.Aggregates;
import org.pgkernel.sql.internal.func.Functions;
import org.pgkernel.sql.internal.func.Operators;
import org.pgkernel.sql.internal.func.SystemViews;
import org.pgkernel.sql.internal.func.TableFunctions;
import org.pgkernel.sql.internal.lex.Lexer;
import org.pgkernel.sql.internal.parse.Ast;
import org.pgkernel.sql.internal.parse.Ast.*;
import org.pgkernel.sql.internal.types.Casts;
import org.pgkernel.sql.internal.types.DateTimes;
import org.pgkernel.sql.internal.types.FormatSettings;
import org.pgkernel.sql.internal.types.PgType;
import org.pgkernel.sql.internal.types.TypeIO;

/**
 * Semantic analysis and planning of a SELECT (cf. analyze.c, parse_expr.c, parse_func.c,
 * parse_oper.c, parse_coerce.c, parse_target.c, planner): resolves names against the FROM
 * clause, types every expression with PostgreSQL's coercion rules, names output columns
 * as FigureColname() does, and builds the plan tree.
 *
 * <p>NOTES: parameter types are one array shared by every {@link ParamExpr}: a $n first
 * seen as unknown gets its type from the first context that coerces it, as PostgreSQL's
 * variable-parameter hook does. Unknown-typed string literals are converted with the type
 * input function at analysis time, so a bad literal fails here with its position.
 */
public final class Analyzer {
    private final String sql;
    private final PgType[] paramTypes;
    private final FormatSettings format;
    private final Instant now;

    public Analyzer(String sql, PgType[] paramTypes, FormatSettings format, Instant now) {
        this.sql = sql;
        this.paramTypes = paramTypes;
        this.format = format;
        this.now = now;
    }

    private int pos(int loc) { return loc < 0 ? 0 : Lexer.position(sql, loc); }

    private PgException err(SqlState state, int loc, String fmt, Object... args) {
        return PgException.error(state, fmt, args).withPosition(pos(loc));
    }

    /** Checks that every parameter got a type (42P18 otherwise). */
    public void checkParameters() {
        for (int i = 0; i < paramTypes.length; i++) {
            if (paramTypes[i] == null || paramTypes[i] == PgType.UNKNOWN) {
                throw PgException.error(SqlState.INDETERMINATE_DATATYPE, "could not determine data type of parameter $%d", i + 1);
            }
        }
    }

    // ================================================================== SELECT

    /** Per-SELECT state for aggregation: group keys and aggregate calls found so far. */
    private static final class AggState {
        final List<String> keyShapes = new ArrayList<>();
        final List<BoundExpr> keys = new ArrayList<>();
        final List<Nodes.AggCall> calls = new ArrayList<>();
        final List<String> callShapes = new ArrayList<>();
        final Scope input;

        AggState(Scope input) { this.input = input; }
    }

    /** The structure of an expression without positions, to match GROUP BY keys. */
    private static String shape(Ast.Expr e) {
        return e.toString().replaceAll("loc=-?\\d+", "");
    }

    public Analyzed select(SelectStmt s) {
        if (s.op() != SetOp.NONE) return setOperation(s);
        if (s.values() != null) return values(s);

        Scope scope = Scope.empty();
        PlanNode input = new Nodes.Result();
        for (FromItem item : s.from()) {
            PlanNode p = fromItem(item, scope);
            input = input instanceof Nodes.Result ? p : new Nodes.NestLoop(concat(input.columns(), p.columns()), input, p, null, false);
        }
        if (s.where() != null) {
            noAggregates(s.where(), "WHERE");
            BoundExpr w = boolExpr(expr(s.where(), scope, null), "WHERE", s.where().loc());
            input = new Nodes.Filter(input, w);
        }

        // target list (stars expanded)
        List<ResTarget> targets = new ArrayList<>();
        for (ResTarget t : s.targets()) {
            if (t.expr() instanceof ColumnRef c && c.star()) {
                expandStar(c, scope, targets);
            } else {
                targets.add(t);
            }
        }

        boolean hasAgg = !s.groupBy().isEmpty() || s.having() != null;
        for (ResTarget t : targets) hasAgg |= containsAggregate(t.expr());
        for (SortBy sb : s.orderBy()) hasAgg |= containsAggregate(sb.expr());

        AggState agg = null;
        if (hasAgg) {
            agg = new AggState(scope);
            for (Ast.Expr g : s.groupBy()) {
                Ast.Expr ge = groupByTarget(g, targets, scope);
                noAggregates(ge, "GROUP BY");
                agg.keyShapes.add(shape(ge));
                agg.keys.add(resolveUnknownAsText(expr(ge, scope, null)));
            }
        }

        List<BoundExpr> outputs = new ArrayList<>();
        List<Column> columns = new ArrayList<>();
        for (ResTarget t : targets) {
            BoundExpr e = resolveUnknownAsText(expr(t.expr(), scope, agg));
            outputs.add(e);
            columns.add(new Column(t.alias() != null ? t.alias() : figureName(t.expr()), e.type()));
        }
        BoundExpr having = null;
        if (s.having() != null) having = boolExpr(expr(s.having(), scope, agg), "HAVING", s.having().loc());

        // ORDER BY: output column names and positions first, then expressions over the input
        List<Nodes.SortKey> keys = new ArrayList<>();
        List<BoundExpr> junk = new ArrayList<>();
        for (SortBy sb : s.orderBy()) {
            int index = outputReference(sb.expr(), targets, columns, scope);
            if (index < 0) {
                BoundExpr e = resolveUnknownAsText(expr(sb.expr(), scope, agg));
                int found = -1;
                for (int i = 0; i < targets.size(); i++) {
                    if (shape(targets.get(i).expr()).equals(shape(sb.expr()))) found = i;
                }
                if (found >= 0) {
                    index = found;
                } else {
                    if (s.distinct()) {
                        throw err(SqlState.INVALID_COLUMN_REFERENCE, sb.expr().loc(),
                                "for SELECT DISTINCT, ORDER BY expressions must appear in select list");
                    }
                    index = outputs.size() + junk.size();
                    junk.add(e);
                }
            }
            boolean nullsFirst = sb.nullsFirst() != null ? sb.nullsFirst() : sb.descending();
            keys.add(new Nodes.SortKey(index, sb.descending(), nullsFirst));
        }

        PlanNode plan = input;
        if (agg != null) {
            List<Column> aggCols = new ArrayList<>();
            for (BoundExpr k : agg.keys) aggCols.add(new Column("?column?", k.type()));
            for (Nodes.AggCall c : agg.calls) aggCols.add(new Column(c.def().name(), c.def().resultType()));
            plan = new Nodes.Agg(aggCols, plan, agg.keys, agg.calls);
            if (having != null) plan = new Nodes.Filter(plan, having);
        }
        List<BoundExpr> projected = new ArrayList<>(outputs);
        projected.addAll(junk);
        List<Column> projectedCols = new ArrayList<>(columns);
        for (BoundExpr j : junk) projectedCols.add(new Column("?junk?", j.type()));
        plan = new Nodes.Project(projectedCols, plan, projected);
        if (s.distinct()) plan = new Nodes.Distinct(plan, columns.size());
        if (!keys.isEmpty()) plan = new Nodes.Sort(plan, keys);
        plan = limit(plan, s);
        if (!junk.isEmpty()) plan = new Nodes.Narrow(columns, plan);
        return new Analyzed(plan, columns);
    }

    private PlanNode limit(PlanNode plan, SelectStmt s) {
        if (s.limit() == null && s.offset() == null) return plan;
        BoundExpr lim = null;
        BoundExpr off = null;
        if (s.limit() != null) {
            noAggregates(s.limit(), "LIMIT");
            lim = coerce(expr(s.limit(), Scope.empty(), null), PgType.INT8, Casts.Context.ASSIGNMENT, s.limit().loc(),
                    "LIMIT");
        }
        if (s.offset() != null) {
            noAggregates(s.offset(), "OFFSET");
            off = coerce(expr(s.offset(), Scope.empty(), null), PgType.INT8, Casts.Context.ASSIGNMENT, s.offset().loc(),
                    "OFFSET");
        }
        return new Nodes.Limit(plan, lim, off);
    }

    private static List<Column> concat(List<Column> a, List<Column> b) {
        List<Column> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private void expandStar(ColumnRef c, Scope scope, List<ResTarget> out) {
        if (c.names().isEmpty()) {
            if (scope.isEmpty()) {
                throw err(SqlState.SYNTAX_ERROR, c.loc(), "SELECT * with no tables specified is not valid");
            }
            for (Scope.Range r : scope.ranges()) {
                for (Column col : r.columns()) {
                    out.add(new ResTarget(new ColumnRef(List.of(r.name(), col.name()), false, c.loc()), col.name(), c.loc()));
                }
            }
            return;
        }
        String rel = c.names().get(c.names().size() - 1);
        for (Scope.Range r : scope.ranges()) {
            if (r.name().equals(rel)) {
                for (Column col : r.columns()) {
                    out.add(new ResTarget(new ColumnRef(List.of(r.name(), col.name()), false, c.loc()), col.name(), c.loc()));
                }
                return;
            }
        }
        throw err(SqlState.UNDEFINED_TABLE, c.loc(), "missing FROM-clause entry for table \"%s\"", rel);
    }

    /** GROUP BY n / GROUP BY output-name (when no input column has that name). */
    private Ast.Expr groupByTarget(Ast.Expr g, List<ResTarget> targets, Scope scope) {
        if (g instanceof Const c && c.kind() == ConstKind.INTEGER) {
            int n = Integer.parseInt(c.value());
            if (n < 1 || n > targets.size()) {
                throw err(SqlState.INVALID_COLUMN_REFERENCE, c.loc(), "GROUP BY position %d is not in select list", n);
            }
            return targets.get(n - 1).expr();
        }
        if (g instanceof ColumnRef c && c.names().size() == 1 && !c.star() && findColumn(scope, null, c.names().get(0)) == null) {
            for (ResTarget t : targets) {
                if (c.names().get(0).equals(t.alias())) return t.expr();
            }
        }
        return g;
    }

    /** ORDER BY n or ORDER BY output-name: the output index, or -1. */
    private int outputReference(Ast.Expr e, List<ResTarget> targets, List<Column> columns, Scope scope) {
        if (e instanceof Const c && c.kind() == ConstKind.INTEGER) {
            int n = Integer.parseInt(c.value());
            if (n < 1 || n > columns.size()) {
                throw err(SqlState.INVALID_COLUMN_REFERENCE, c.loc(), "ORDER BY position %d is not in select list", n);
            }
            return n - 1;
        }
        if (e instanceof ColumnRef c && c.names().size() == 1 && !c.star()) {
            int found = -1;
            for (int i = 0; i < columns.size(); i++) {
                if (columns.get(i).name().equals(c.names().get(0))) {
                    if (found >= 0 && !shape(targets.get(found).expr()).equals(shape(targets.get(i).expr()))) {
                        throw err(SqlState.AMBIGUOUS_COLUMN, c.loc(), "ORDER BY \"%s\" is ambiguous", c.names().get(0));
                    }
                    if (found < 0) found = i;
                }
            }
            return found;
        }
        return -1;
    }

    private Analyzed values(SelectStmt s) {
        List<List<Ast.Expr>> rows = s.values();
        int width = rows.get(0).size();
        List<List<BoundExpr>> bound = new ArrayList<>();
        for (List<Ast.Expr> row : rows) {
            if (row.size() != width) {
                throw err(SqlState.SYNTAX_ERROR, row.get(0).loc(), "VALUES lists must all be the same length");
            }
            List<BoundExpr> b = new ArrayList<>();
            for (Ast.Expr e : row) b.add(expr(e, Scope.empty(), null));
            bound.add(b);
        }
        List<Column> cols = new ArrayList<>();
        for (int c = 0; c < width; c++) {
            List<BoundExpr> column = new ArrayList<>();
            List<Integer> locs = new ArrayList<>();
            for (int r = 0; r < rows.size(); r++) {
                column.add(bound.get(r).get(c));
                locs.add(rows.get(r).get(c).loc());
            }
            PgType t = commonType(column, locs, "VALUES");
            for (int r = 0; r < rows.size(); r++) {
                bound.get(r).set(c, coerce(bound.get(r).get(c), t, Casts.Context.IMPLICIT, locs.get(r), "VALUES"));
            }
            cols.add(new Column("column" + (c + 1), t));
        }
        PlanNode plan = new Nodes.ValuesScan(cols, bound);
        if (!s.orderBy().isEmpty()) {
            List<Nodes.SortKey> keys = new ArrayList<>();
            for (SortBy sb : s.orderBy()) {
                int idx = outputReference(sb.expr(), List.of(), cols, Scope.empty());
                if (idx < 0) throw err(SqlState.UNDEFINED_COLUMN, sb.expr().loc(), "column \"%s\" does not exist", figureName(sb.expr()));
                keys.add(new Nodes.SortKey(idx, sb.descending(), sb.nullsFirst() != null ? sb.nullsFirst() : sb.descending()));
            }
            plan = new Nodes.Sort(plan, keys);
        }
        return new Analyzed(limit(plan, s), cols);
    }

    private Analyzed setOperation(SelectStmt s) {
        if (s.right() == null) {
            // ORDER BY / LIMIT over a set operation
            Analyzed inner = select(s.left());
            PlanNode plan = inner.plan();
            if (!s.orderBy().isEmpty()) {
                List<Nodes.SortKey> keys = new ArrayList<>();
                for (SortBy sb : s.orderBy()) {
                    int idx = outputReference(sb.expr(), List.of(), inner.columns(), Scope.empty());
                    if (idx < 0) {
                        throw err(SqlState.FEATURE_NOT_SUPPORTED, sb.expr().loc(),
                                "invalid UNION/INTERSECT/EXCEPT ORDER BY clause");
                    }
                    keys.add(new Nodes.SortKey(idx, sb.descending(), sb.nullsFirst() != null ? sb.nullsFirst() : sb.descending()));
                }
                plan = new Nodes.Sort(plan, keys);
            }
            return new Analyzed(limit(plan, s), inner.columns());
        }
        Analyzed l = select(s.left());
        Analyzed r = select(s.right());
        String opName = s.op().name();
        if (l.columns().size() != r.columns().size()) {
            throw err(SqlState.SYNTAX_ERROR, s.loc(), "each %s query must have the same number of columns", opName);
        }
        List<Column> cols = new ArrayList<>();
        List<BoundExpr> lp = new ArrayList<>();
        List<BoundExpr> rp = new ArrayList<>();
        for (int i = 0; i < l.columns().size(); i++) {
            PgType lt = l.columns().get(i).type();
            PgType rt = r.columns().get(i).type();
            PgType t = Operators.commonType(lt, rt);
            if (t == null) {
                throw err(SqlState.DATATYPE_MISMATCH, s.loc(), "%s types %s and %s cannot be matched", opName, lt.sqlName(),
                        rt.sqlName());
            }
            cols.add(new Column(l.columns().get(i).name(), t));
            lp.add(coerce(new ColumnExpr(i, lt), t, Casts.Context.IMPLICIT, s.loc(), opName));
            rp.add(coerce(new ColumnExpr(i, rt), t, Casts.Context.IMPLICIT, s.loc(), opName));
        }
        PlanNode left = new Nodes.Project(cols, l.plan(), lp);
        PlanNode right = new Nodes.Project(cols, r.plan(), rp);
        return new Analyzed(new Nodes.SetOperation(cols, left, right, opName, s.all()), cols);
    }

    // ================================================================== FROM

    private PlanNode fromItem(FromItem item, Scope scope) {
        switch (item) {
            case RangeVar rv -> {
                SystemViews.View v = SystemViews.find(rv.schema(), rv.name());
                if (v == null) {
                    throw err(SqlState.UNDEFINED_TABLE, rv.loc(), "relation \"%s\" does not exist", rv.qualifiedName());
                }
                List<Column> cols = aliasColumns(v.columns(), rv.alias(), rv.loc());
                scope.add(rv.alias() != null ? rv.alias().name() : rv.name(), cols);
                return new Nodes.FunctionScan(cols, v.rows(), v.check());
            }
            case RangeFunction rf -> {
                return functionScan(rf, scope);
            }
            case RangeSubselect sub -> {
                Analyzed a = select(sub.subquery());
                List<Column> cols = aliasColumns(a.columns(), sub.alias(), sub.loc());
                scope.add(sub.alias().name(), cols);
                return new Nodes.Project(cols, a.plan(), identity(cols));
            }
            case JoinExpr j -> {
                if (j.kind() == JoinKind.RIGHT || j.kind() == JoinKind.FULL || j.natural() || j.using() != null) {
                    throw err(SqlState.FEATURE_NOT_SUPPORTED, j.loc(), "this kind of join is not supported yet");
                }
                PlanNode l = fromItem(j.left(), scope);
                PlanNode r = fromItem(j.right(), scope);
                List<Column> cols = concat(l.columns(), r.columns());
                BoundExpr on = null;
                if (j.on() != null) {
                    noAggregates(j.on(), "JOIN conditions");
                    on = boolExpr(expr(j.on(), scope, null), "JOIN/ON", j.on().loc());
                }
                return new Nodes.NestLoop(cols, l, r, on, j.kind() == JoinKind.LEFT);
            }
        }
    }

    private static List<BoundExpr> identity(List<Column> cols) {
        List<BoundExpr> out = new ArrayList<>();
        for (int i = 0; i < cols.size(); i++) out.add(new ColumnExpr(i, cols.get(i).type()));
        return out;
    }

    private List<Column> aliasColumns(List<Column> cols, Alias alias, int loc) {
        if (alias == null || alias.columnNames().isEmpty()) return cols;
        if (alias.columnNames().size() > cols.size()) {
            throw err(SqlState.INVALID_COLUMN_REFERENCE, loc, "table \"%s\" has %d columns available but %d columns specified",
                    alias.name(), cols.size(), alias.columnNames().size());
        }
        List<Column> out = new ArrayList<>();
        for (int i = 0; i < cols.size(); i++) {
            out.add(new Column(i < alias.columnNames().size() ? alias.columnNames().get(i) : cols.get(i).name(),
                    cols.get(i).type()));
        }
        return out;
    }

    private PlanNode functionScan(RangeFunction rf, Scope scope) {
        FuncCall call = rf.call();
        String name = functionName(call);
        List<BoundExpr> args = new ArrayList<>();
        for (Ast.Expr a : call.args()) args.add(expr(a, Scope.empty(), null));
        PgType resultType;
        Function<ExecContext, Iterator<Object[]>> rows;
        if (TableFunctions.isSetReturning(name)) {
            TableFunctions.Def chosen = null;
            int best = -1;
            for (TableFunctions.Def d : TableFunctions.overloads(name)) {
                int score = matchScore(args, d.args(), false);
                if (score > best) {
                    best = score;
                    chosen = d;
                }
            }
            if (chosen == null) throw noFunction(name, args, call.loc());
            List<BoundExpr> coerced = coerceArgs(args, chosen.args(), call.args());
            resultType = chosen.result();
            TableFunctions.Generator gen = chosen.generator();
            rows = ctx -> {
                Object[] values = new Object[coerced.size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = coerced.get(i).eval(new Object[0], ctx);
                    if (values[i] == null) return java.util.Collections.emptyIterator();
                }
                Iterator<Object> it = gen.rows(values, ctx);
                boolean ordinality = rf.withOrdinality();
                return new Iterator<>() {
                    long n;

                    @Override public boolean hasNext() { return it.hasNext(); }

                    @Override public Object[] next() {
                        n++;
                        return ordinality ? new Object[] {it.next(), n} : new Object[] {it.next()};
                    }
                };
            };
        } else {
            BoundExpr e = function(call, args, Scope.empty(), null);
            resultType = e.type();
            boolean ordinality = rf.withOrdinality();
            rows = ctx -> {
                Object v = e.eval(new Object[0], ctx);
                return List.<Object[]>of(ordinality ? new Object[] {v, 1L} : new Object[] {v}).iterator();
            };
        }
        String colName = rf.alias() != null ? rf.alias().name() : name;
        List<Column> cols = new ArrayList<>();
        cols.add(new Column(colName, resultType));
        if (rf.withOrdinality()) cols.add(new Column("ordinality", PgType.INT8));
        cols = aliasColumns(cols, rf.alias(), rf.loc());
        scope.add(rf.alias() != null ? rf.alias().name() : name, cols);
        return new Nodes.FunctionScan(cols, rows);
    }

    // ================================================================== expressions

    private boolean containsAggregate(Ast.Expr e) {
        if (e == null) return false;
        if (e instanceof FuncCall f && Aggregates.isAggregate(functionName(f))) return true;
        for (Ast.Expr c : children(e)) {
            if (containsAggregate(c)) return true;
        }
        return false;
    }

    private void noAggregates(Ast.Expr e, String clause) {
        Ast.Expr a = findAggregate(e);
        if (a != null) {
            throw err(SqlState.GROUPING_ERROR, a.loc(), "aggregate functions are not allowed in %s", clause);
        }
    }

    private Ast.Expr findAggregate(Ast.Expr e) {
        if (e == null) return null;
        if (e instanceof FuncCall f && Aggregates.isAggregate(functionName(f))) return e;
        for (Ast.Expr c : children(e)) {
            Ast.Expr a = findAggregate(c);
            if (a != null) return a;
        }
        return null;
    }

    private static List<Ast.Expr> children(Ast.Expr e) {
        List<Ast.Expr> out = new ArrayList<>();
        switch (e) {
            case BinaryOp b -> { out.add(b.left()); out.add(b.right()); }
            case UnaryOp u -> out.add(u.arg());
            case BoolExpr b -> out.addAll(b.args());
            case NullTest n -> out.add(n.arg());
            case BooleanTest b -> out.add(b.arg());
            case DistinctExpr d -> { out.add(d.left()); out.add(d.right()); }
            case Between b -> { out.add(b.arg()); out.add(b.low()); out.add(b.high()); }
            case InList i -> { out.add(i.arg()); out.addAll(i.list()); }
            case Like l -> { out.add(l.arg()); out.add(l.pattern()); if (l.escape() != null) out.add(l.escape()); }
            case TypeCast t -> out.add(t.arg());
            case FuncCall f -> out.addAll(f.args());
            case CaseExpr c -> {
                if (c.arg() != null) out.add(c.arg());
                for (When w : c.whens()) { out.add(w.condition()); out.add(w.result()); }
                if (c.elseResult() != null) out.add(c.elseResult());
            }
            case SpecialFunc s -> out.addAll(s.args());
            case ArrayExpr a -> out.addAll(a.elements());
            case AtTimeZone a -> { out.add(a.arg()); out.add(a.zone()); }
            case SubLink s -> { if (s.test() != null) out.add(s.test()); }
            default -> { }
        }
        return out;
    }

    private static String functionName(FuncCall f) {
        List<String> n = f.name();
        return n.get(n.size() - 1);
    }

    /** FigureColname(): the output column name PostgreSQL gives an unnamed target. */
    public static String figureName(Ast.Expr e) {
        String n = figure(e);
        return n == null ? "?column?" : n;
    }

    private static String figure(Ast.Expr e) {
        return switch (e) {
            case ColumnRef c -> c.star() || c.names().isEmpty() ? null : c.names().get(c.names().size() - 1);
            case FuncCall f -> functionName(f);
            case TypeCast t -> {
                String inner = figureStrong(t.arg());
                if (inner != null) yield inner;
                String tn = t.type().name();
                yield tn.contains(".") ? tn.substring(tn.lastIndexOf('.') + 1) : tn;
            }
            case CaseExpr c -> "case";
            case SpecialFunc s -> s.kind().name().toLowerCase(Locale.ROOT);
            case SqlValueFunc s -> s.name().equals("current_role") ? "current_role" : s.name();
            case ArrayExpr a -> "array";
            case AtTimeZone a -> "timezone";
            case SubLink s -> switch (s.kind()) {
                case EXISTS -> "exists";
                case ARRAY -> "array";
                case EXPR -> {
                    SelectStmt q = s.subquery();
                    while (q.op() != SetOp.NONE && q.left() != null) q = q.left();
                    if (q.targets().isEmpty()) yield null;
                    ResTarget t = q.targets().get(0);
                    yield t.alias() != null ? t.alias() : figure(t.expr());
                }
                default -> null;
            };
            default -> null;
        };
    }

    /** Names of strength 2 (column, function, …), which a cast does not override. */
    private static String figureStrong(Ast.Expr e) {
        if (e instanceof CaseExpr || e instanceof ArrayExpr || e instanceof Const) return null;
        if (e instanceof TypeCast t) return figure(t);
        return figure(e);
    }

    private ColumnExpr findColumn(Scope scope, String rel, String name) {
        ColumnExpr found = null;
        for (Scope.Range r : scope.ranges()) {
            if (rel != null && !r.name().equals(rel)) continue;
            for (int i = 0; i < r.columns().size(); i++) {
                if (r.columns().get(i).name().equals(name)) {
                    if (found != null) return new ColumnExpr(-1, PgType.UNKNOWN);
                    found = new ColumnExpr(r.offset() + i, r.columns().get(i).type());
                }
            }
        }
        return found;
    }

    private String rangeOf(Scope scope, int index) {
        for (Scope.Range r : scope.ranges()) {
            if (index >= r.offset() && index < r.offset() + r.columns().size()) return r.name();
        }
        return "?";
    }

    private BoundExpr columnRef(ColumnRef c, Scope scope, AggState agg) {
        List<String> n = c.names();
        if (c.star()) throw err(SqlState.FEATURE_NOT_SUPPORTED, c.loc(), "row expansion via \"*\" is not supported here");
        String rel = n.size() >= 2 ? n.get(n.size() - 2) : null;
        String col = n.get(n.size() - 1);
        Scope s = agg != null ? agg.input : scope;
        if (rel != null) {
            boolean relExists = false;
            for (Scope.Range r : s.ranges()) relExists |= r.name().equals(rel);
            if (!relExists) throw err(SqlState.UNDEFINED_TABLE, c.loc(), "missing FROM-clause entry for table \"%s\"", rel);
        }
        ColumnExpr e = findColumn(s, rel, col);
        if (e == null) {
            if (rel != null) throw err(SqlState.UNDEFINED_COLUMN, c.loc(), "column %s.%s does not exist", rel, col);
            throw err(SqlState.UNDEFINED_COLUMN, c.loc(), "column \"%s\" does not exist", col);
        }
        if (e.index() < 0) throw err(SqlState.AMBIGUOUS_COLUMN, c.loc(), "column reference \"%s\" is ambiguous", col);
        if (agg != null) {
            throw err(SqlState.GROUPING_ERROR, c.loc(),
                    "column \"%s.%s\" must appear in the GROUP BY clause or be used in an aggregate function",
                    rangeOf(s, e.index()), col);
        }
        return e;
    }

    /** Analyzes an expression. With {@code agg}, the expression is evaluated over the Agg node's output. */
    BoundExpr expr(Ast.Expr e, Scope scope, AggState agg) {
        if (agg != null) {
            String sh = shape(e);
            int k = agg.keyShapes.indexOf(sh);
            if (k >= 0) return new ColumnExpr(k, agg.keys.get(k).type());
            if (e instanceof FuncCall f && Aggregates.isAggregate(functionName(f))) return aggregate(f, agg);
        }
        return switch (e) {
            case ColumnRef c -> columnRef(c, scope, agg);
            case Const c -> constant(c);
            case ParamRef p -> {
                if (p.number() < 1 || p.number() > paramTypes.length) {
                    throw err(SqlState.UNDEFINED_PARAMETER, p.loc(), "there is no parameter $%d", p.number());
                }
                yield new ParamExpr(p.number() - 1, paramTypes);
            }
            case BinaryOp b -> binaryOp(b.op(), expr(b.left(), scope, agg), expr(b.right(), scope, agg), b.loc(),
                    b.left().loc(), b.right().loc());
            case UnaryOp u -> unaryOp(u.op(), expr(u.arg(), scope, agg), u.loc());
            case BoolExpr b -> boolean_(b, scope, agg);
            case NullTest n -> {
                BoundExpr arg = expr(n.arg(), scope, agg);
                boolean not = n.not();
                yield new FuncExpr(not ? "isnotnull" : "isnull", PgType.BOOL, List.of(arg),
                        (a, ctx) -> not == (a[0] != null), false, BoundExpr.Volatility.IMMUTABLE);
            }
            case BooleanTest b -> {
                BoundExpr arg = boolExpr(expr(b.arg(), scope, agg), "IS " + b.kind(), b.arg().loc());
                BoolTestKind kind = b.kind();
                boolean not = b.not();
                yield new FuncExpr("booltest", PgType.BOOL, List.of(arg), (a, ctx) -> {
                    boolean r = switch (kind) {
                        case TRUE -> Boolean.TRUE.equals(a[0]);
                        case FALSE -> Boolean.FALSE.equals(a[0]);
                        default -> a[0] == null;
                    };
                    return not != r;
                }, false, BoundExpr.Volatility.IMMUTABLE);
            }
            case DistinctExpr d -> {
                BoundExpr eq = binaryOp("=", expr(d.left(), scope, agg), expr(d.right(), scope, agg), d.loc(),
                        d.left().loc(), d.right().loc());
                List<BoundExpr> args = eq.children();
                BoundExpr.Volatility vol = eq.volatility();
                boolean not = d.not();
                yield new FuncExpr("distinct", PgType.BOOL, args, (a, ctx) -> {
                    boolean distinct;
                    if (a[0] == null || a[1] == null) distinct = a[0] != a[1];
                    else distinct = org.pgkernel.sql.internal.types.Values.compare(a[0], a[1]) != 0;
                    return not != distinct;
                }, false, vol);
            }
            case Between b -> between(b, scope, agg);
            case InList i -> inList(i, scope, agg);
            case Like l -> {
                BoundExpr arg = expr(l.arg(), scope, agg);
                BoundExpr pat = expr(l.pattern(), scope, agg);
                String op = (l.not() ? "!" : "") + (l.caseInsensitive() ? "~~*" : "~~");
                if (l.escape() == null) yield binaryOp(op, arg, pat, l.loc(), l.arg().loc(), l.pattern().loc());
                BoundExpr esc = coerce(expr(l.escape(), scope, agg), PgType.TEXT, Casts.Context.IMPLICIT, l.escape().loc(), "ESCAPE");
                BoundExpr a1 = coerce(arg, PgType.TEXT, Casts.Context.IMPLICIT, l.arg().loc(), "LIKE");
                BoundExpr p1 = coerce(pat, PgType.TEXT, Casts.Context.IMPLICIT, l.pattern().loc(), "LIKE");
                boolean not = l.not();
                boolean ci = l.caseInsensitive();
                yield new FuncExpr("like", PgType.BOOL, List.of(a1, p1, esc),
                        (a, ctx) -> not != Functions.like((String) a[0], (String) a[1], (String) a[2], ci), true,
                        BoundExpr.Volatility.IMMUTABLE);
            }
            case TypeCast t -> cast(expr(t.arg(), scope, agg), t.type(), t.loc(), t.arg().loc());
            case FuncCall f -> {
                if (Aggregates.isAggregate(functionName(f))) {
                    throw err(SqlState.GROUPING_ERROR, f.loc(), "aggregate function calls cannot be nested");
                }
                List<BoundExpr> args = new ArrayList<>();
                for (Ast.Expr a : f.args()) args.add(expr(a, scope, agg));
                yield function(f, args, scope, agg);
            }
            case CaseExpr c -> caseExpr(c, scope, agg);
            case SpecialFunc s -> special(s, scope, agg);
            case SqlValueFunc s -> sqlValueFunction(s);
            case ArrayExpr a -> array(a, scope, agg);
            case SubLink s -> subLink(s, scope, agg);
            case AtTimeZone a -> atTimeZone(a, scope, agg);
        };
    }

    private BoundExpr aggregate(FuncCall f, AggState agg) {
        String name = functionName(f);
        for (Ast.Expr a : f.args()) {
            Ast.Expr nested = findAggregate(a);
            if (nested != null) throw err(SqlState.GROUPING_ERROR, nested.loc(), "aggregate function calls cannot be nested");
        }
        List<BoundExpr> args = new ArrayList<>();
        for (Ast.Expr a : f.args()) args.add(expr(a, agg.input, null));
        List<PgType> types = new ArrayList<>();
        for (BoundExpr a : args) types.add(a.type());
        if (f.star() && !name.equals("count")) {
            throw err(SqlState.WRONG_OBJECT_TYPE, f.loc(), "%s(*) specified, but %s is not an aggregate function", name, name);
        }
        Aggregates.Definition def = Aggregates.resolve(name, types, f.star());
        if (def == null) throw noFunction(name, args, f.loc());
        List<BoundExpr> coerced = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            BoundExpr a = args.get(i);
            PgType want = a.type() == PgType.UNKNOWN ? PgType.TEXT : a.type();
            if (name.equals("string_agg")) want = PgType.TEXT;
            if ((name.equals("sum") || name.equals("avg")) && a.type() == PgType.UNKNOWN) want = PgType.FLOAT8;
            if ((name.equals("bool_and") || name.equals("bool_or") || name.equals("every"))) want = PgType.BOOL;
            coerced.add(coerce(a, want, Casts.Context.IMPLICIT, f.args().get(i).loc(), name));
        }
        String sh = shape(f);
        int existing = agg.callShapes.indexOf(sh);
        if (existing >= 0) return new ColumnExpr(agg.keys.size() + existing, def.resultType());
        agg.callShapes.add(sh);
        agg.calls.add(new Nodes.AggCall(def, coerced, f.distinct()));
        return new ColumnExpr(agg.keys.size() + agg.calls.size() - 1, def.resultType());
    }

    private BoundExpr constant(Const c) {
        switch (c.kind()) {
            case INTEGER -> {
                long v = Long.parseLong(c.value());
                if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) return new ConstExpr(PgType.INT4, (int) v);
                return new ConstExpr(PgType.INT8, v);
            }
            case NUMERIC -> {
                String t = c.value();
                if (t.matches("-?\\d+")) {
                    try {
                        long v = Long.parseLong(t);
                        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) return new ConstExpr(PgType.INT4, (int) v);
                        return new ConstExpr(PgType.INT8, v);
                    } catch (NumberFormatException e) {
                        return new ConstExpr(PgType.NUMERIC, new BigDecimal(t));
                    }
                }
                return new ConstExpr(PgType.NUMERIC, TypeIO.parseNumeric(t));
            }
            case STRING -> { return new ConstExpr(PgType.UNKNOWN, c.value()); }
            case BOOLEAN -> { return new ConstExpr(PgType.BOOL, c.value().equals("t")); }
            case NULL -> { return new ConstExpr(PgType.UNKNOWN, null); }
            default -> throw err(SqlState.FEATURE_NOT_SUPPORTED, c.loc(), "bit string literals are not supported yet");
        }
    }

    private static final List<String> COMPARISONS = List.of("=", "<>", "<", "<=", ">", ">=");

    private BoundExpr binaryOp(String op, BoundExpr l, BoundExpr r, int loc, int lloc, int rloc) {
        PgType lt = l.type();
        PgType rt = r.type();
        if (lt == PgType.UNKNOWN && rt == PgType.UNKNOWN && !COMPARISONS.contains(op) && !op.equals("||")
                && !op.contains("~")) {
            throw err(SqlState.AMBIGUOUS_FUNCTION, loc, "operator is not unique: unknown %s unknown", op)
                    .withHint("Could not choose a best candidate operator. You might need to add explicit type casts.");
        }
        Operators.Resolved res = Operators.binary(op, lt, rt);
        if (res == null) {
            throw err(SqlState.UNDEFINED_FUNCTION, loc, "operator does not exist: %s %s %s", lt.sqlName(), op, rt.sqlName())
                    .withHint("No operator matches the given name and argument types. You might need to add explicit type casts.");
        }
        BoundExpr lc = coerceOperand(l, res.left(), lloc, op);
        BoundExpr rc = coerceOperand(r, res.right(), rloc, op);
        BoundExpr.Volatility vol = lt == PgType.TIMESTAMPTZ || rt == PgType.TIMESTAMPTZ || res.result() == PgType.TIMESTAMPTZ
                ? BoundExpr.Volatility.STABLE : BoundExpr.Volatility.IMMUTABLE;
        return new FuncExpr(op, res.result(), List.of(lc, rc), res.impl(), true, vol);
    }

    /** Operand coercion: string-like values go to text by their output function (anytextcat). */
    private BoundExpr coerceOperand(BoundExpr e, PgType target, int loc, String op) {
        if (e.type() == target) return e;
        if (target == PgType.TEXT && op.equals("||") && e.type() != PgType.UNKNOWN) {
            return coerce(e, PgType.TEXT, Casts.Context.EXPLICIT, loc, op);
        }
        return coerce(e, target, Casts.Context.IMPLICIT, loc, op);
    }

    private BoundExpr unaryOp(String op, BoundExpr arg, int loc) {
        if (arg.type() == PgType.UNKNOWN && (op.equals("-") || op.equals("+"))) {
            throw err(SqlState.AMBIGUOUS_FUNCTION, loc, "operator is not unique: %s unknown", op)
                    .withHint("Could not choose a best candidate operator. You might need to add explicit type casts.");
        }
        Operators.Resolved res = Operators.unary(op, arg.type());
        if (res == null) {
            throw err(SqlState.UNDEFINED_FUNCTION, loc, "operator does not exist: %s %s", op, arg.type().sqlName())
                    .withHint("No operator matches the given name and argument type. You might need to add an explicit type cast.");
        }
        return new FuncExpr(op, res.result(), List.of(coerce(arg, res.left(), Casts.Context.IMPLICIT, loc, op)), res.impl(),
                true, BoundExpr.Volatility.IMMUTABLE);
    }

    private BoundExpr boolExpr(BoundExpr e, String what, int loc) {
        if (e.type() == PgType.BOOL) return e;
        if (e.type() == PgType.UNKNOWN) return coerce(e, PgType.BOOL, Casts.Context.IMPLICIT, loc, what);
        throw err(SqlState.DATATYPE_MISMATCH, loc, "argument of %s must be type boolean, not type %s", what, e.type().sqlName());
    }

    private BoundExpr boolean_(BoolExpr b, Scope scope, AggState agg) {
        List<BoundExpr> args = new ArrayList<>();
        for (Ast.Expr a : b.args()) args.add(boolExpr(expr(a, scope, agg), b.kind().name(), a.loc()));
        return switch (b.kind()) {
            case NOT -> new FuncExpr("not", PgType.BOOL, args, (a, ctx) -> !(Boolean) a[0], true, BoundExpr.Volatility.IMMUTABLE);
            case AND -> new LazyExpr(PgType.BOOL, args, (as, row, ctx) -> {
                boolean sawNull = false;
                for (BoundExpr x : as) {
                    Object v = x.eval(row, ctx);
                    if (v == null) sawNull = true;
                    else if (!(Boolean) v) return false;
                }
                return sawNull ? null : true;
            });
            case OR -> new LazyExpr(PgType.BOOL, args, (as, row, ctx) -> {
                boolean sawNull = false;
                for (BoundExpr x : as) {
                    Object v = x.eval(row, ctx);
                    if (v == null) sawNull = true;
                    else if ((Boolean) v) return true;
                }
                return sawNull ? null : false;
            });
        };
    }

    private BoundExpr between(Between b, Scope scope, AggState agg) {
        BoundExpr arg = expr(b.arg(), scope, agg);
        BoundExpr lo = expr(b.low(), scope, agg);
        BoundExpr hi = expr(b.high(), scope, agg);
        BoundExpr ge = binaryOp(">=", arg, lo, b.loc(), b.arg().loc(), b.low().loc());
        BoundExpr le = binaryOp("<=", arg, hi, b.loc(), b.arg().loc(), b.high().loc());
        BoundExpr range = new LazyExpr(PgType.BOOL, List.of(ge, le), (as, row, ctx) -> and(as.get(0).eval(row, ctx), as.get(1).eval(row, ctx)));
        if (b.symmetric()) {
            BoundExpr ge2 = binaryOp(">=", arg, hi, b.loc(), b.arg().loc(), b.high().loc());
            BoundExpr le2 = binaryOp("<=", arg, lo, b.loc(), b.arg().loc(), b.low().loc());
            BoundExpr r2 = new LazyExpr(PgType.BOOL, List.of(ge2, le2), (as, row, ctx) -> and(as.get(0).eval(row, ctx), as.get(1).eval(row, ctx)));
            BoundExpr first = range;
            range = new LazyExpr(PgType.BOOL, List.of(first, r2), (as, row, ctx) -> or(as.get(0).eval(row, ctx), as.get(1).eval(row, ctx)));
        }
        if (!b.not()) return range;
        return new FuncExpr("not", PgType.BOOL, List.of(range), (a, ctx) -> !(Boolean) a[0], true, BoundExpr.Volatility.IMMUTABLE);
    }

    private static Object and(Object a, Object b) {
        if (Boolean.FALSE.equals(a) || Boolean.FALSE.equals(b)) return false;
        if (a == null || b == null) return null;
        return true;
    }

    private static Object or(Object a, Object b) {
        if (Boolean.TRUE.equals(a) || Boolean.TRUE.equals(b)) return true;
        if (a == null || b == null) return null;
        return false;
    }

    private BoundExpr inList(InList in, Scope scope, AggState agg) {
        BoundExpr arg = expr(in.arg(), scope, agg);
        List<BoundExpr> comparisons = new ArrayList<>();
        for (Ast.Expr item : in.list()) {
            comparisons.add(binaryOp("=", arg, expr(item, scope, agg), in.loc(), in.arg().loc(), item.loc()));
        }
        boolean not = in.not();
        return new LazyExpr(PgType.BOOL, comparisons, (as, row, ctx) -> {
            Object r = false;
            for (BoundExpr c : as) {
                r = or(r, c.eval(row, ctx));
                if (Boolean.TRUE.equals(r)) break;
            }
            return r == null ? null : not != (Boolean) r;
        });
    }

    private BoundExpr caseExpr(CaseExpr c, Scope scope, AggState agg) {
        BoundExpr arg = c.arg() == null ? null : expr(c.arg(), scope, agg);
        List<BoundExpr> conds = new ArrayList<>();
        List<BoundExpr> results = new ArrayList<>();
        List<Integer> locs = new ArrayList<>();
        for (When w : c.whens()) {
            BoundExpr cond = expr(w.condition(), scope, agg);
            if (arg != null) cond = binaryOp("=", arg, cond, w.condition().loc(), c.arg().loc(), w.condition().loc());
            conds.add(boolExpr(cond, "CASE/WHEN", w.condition().loc()));
            results.add(expr(w.result(), scope, agg));
            locs.add(w.result().loc());
        }
        if (c.elseResult() != null) {
            results.add(expr(c.elseResult(), scope, agg));
            locs.add(c.elseResult().loc());
        }
        PgType t = commonType(results, locs, "CASE");
        List<BoundExpr> all = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            results.set(i, coerce(results.get(i), t, Casts.Context.IMPLICIT, locs.get(i), "CASE"));
        }
        int n = conds.size();
        boolean hasElse = c.elseResult() != null;
        all.addAll(conds);
        all.addAll(results);
        return new LazyExpr(t, all, (as, row, ctx) -> {
            for (int i = 0; i < n; i++) {
                if (Boolean.TRUE.equals(as.get(i).eval(row, ctx))) return as.get(n + i).eval(row, ctx);
            }
            return hasElse ? as.get(2 * n).eval(row, ctx) : null;
        });
    }

    /** select_common_type(): unknowns yield to the first known type; all unknown is text. */
    private PgType commonType(List<BoundExpr> exprs, List<Integer> locs, String context) {
        PgType t = null;
        for (int i = 0; i < exprs.size(); i++) {
            PgType x = exprs.get(i).type();
            if (x == PgType.UNKNOWN) continue;
            if (t == null) {
                t = x;
                continue;
            }
            if (x == t) continue;
            PgType c = Operators.commonType(t, x);
            if (c == null || (Casts.isNumeric(t) != Casts.isNumeric(x))) {
                throw err(SqlState.DATATYPE_MISMATCH, locs.get(i), "%s types %s and %s cannot be matched", context,
                        t.sqlName(), x.sqlName());
            }
            t = c;
        }
        return t == null ? PgType.TEXT : t;
    }

    private BoundExpr special(SpecialFunc s, Scope scope, AggState agg) {
        List<BoundExpr> args = new ArrayList<>();
        List<Integer> locs = new ArrayList<>();
        for (Ast.Expr a : s.args()) {
            args.add(expr(a, scope, agg));
            locs.add(a.loc());
        }
        if (s.kind() == SpecialKind.NULLIF) {
            BoundExpr eq = binaryOp("=", args.get(0), args.get(1), s.loc(), locs.get(0), locs.get(1));
            BoundExpr first = eq.children().get(0);
            PgType t = first.type();
            return new FuncExpr("nullif", t, eq.children(),
                    (a, ctx) -> a[0] != null && a[1] != null && org.pgkernel.sql.internal.types.Values.compare(a[0], a[1]) == 0
                            ? null : a[0], false, eq.volatility());
        }
        String context = s.kind().name();
        PgType t = commonType(args, locs, context);
        List<BoundExpr> coerced = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) coerced.add(coerce(args.get(i), t, Casts.Context.IMPLICIT, locs.get(i), context));
        return switch (s.kind()) {
            case COALESCE -> new LazyExpr(t, coerced, (as, row, ctx) -> {
                for (BoundExpr x : as) {
                    Object v = x.eval(row, ctx);
                    if (v != null) return v;
                }
                return null;
            });
            default -> {
                boolean greatest = s.kind() == SpecialKind.GREATEST;
                yield new FuncExpr(context.toLowerCase(Locale.ROOT), t, coerced, (a, ctx) -> {
                    Object best = null;
                    for (Object v : a) {
                        if (v == null) continue;
                        if (best == null) best = v;
                        else {
                            int c = org.pgkernel.sql.internal.types.Values.compare(v, best);
                            if (greatest ? c > 0 : c < 0) best = v;
                        }
                    }
                    return best;
                }, false, BoundExpr.Volatility.IMMUTABLE);
            }
        };
    }

    private BoundExpr sqlValueFunction(SqlValueFunc s) {
        BoundExpr.Volatility st = BoundExpr.Volatility.STABLE;
        return switch (s.name()) {
            case "current_date" -> new FuncExpr(s.name(), PgType.DATE, List.of(),
                    (a, ctx) -> ctx.transactionStart().atZone(ctx.format().timeZone()).toLocalDate(), true, st);
            case "current_timestamp" -> new FuncExpr(s.name(), PgType.TIMESTAMPTZ, List.of(), (a, ctx) -> ctx.transactionStart(), true, st);
            case "current_time", "localtime" -> new FuncExpr(s.name(), PgType.TIME, List.of(),
                    (a, ctx) -> ctx.transactionStart().atZone(ctx.format().timeZone()).toLocalTime(), true, st);
            case "localtimestamp" -> new FuncExpr(s.name(), PgType.TIMESTAMP, List.of(),
                    (a, ctx) -> LocalDateTime.ofInstant(ctx.transactionStart(), ctx.format().timeZone()), true, st);
            case "current_catalog" -> new FuncExpr(s.name(), PgType.NAME, List.of(), (a, ctx) -> ctx.env().databaseName(), true, st);
            default -> new FuncExpr(s.name(), PgType.NAME, List.of(), (a, ctx) -> ctx.env().userName(), true, st);
        };
    }

    private BoundExpr array(ArrayExpr a, Scope scope, AggState agg) {
        List<BoundExpr> elems = new ArrayList<>();
        List<Integer> locs = new ArrayList<>();
        for (Ast.Expr e : a.elements()) {
            elems.add(expr(e, scope, agg));
            locs.add(e.loc());
        }
        if (elems.isEmpty()) {
            throw err(SqlState.INDETERMINATE_DATATYPE, a.loc(), "cannot determine type of empty array")
                    .withHint("Explicitly cast to the desired type, for example ARRAY[]::integer[].");
        }
        PgType t = commonType(elems, locs, "ARRAY");
        PgType at = t.arrayType();
        if (at == null) throw err(SqlState.UNDEFINED_OBJECT, a.loc(), "could not find array type for data type %s", t.sqlName());
        List<BoundExpr> coerced = new ArrayList<>();
        for (int i = 0; i < elems.size(); i++) coerced.add(coerce(elems.get(i), at.elementType(), Casts.Context.IMPLICIT, locs.get(i), "ARRAY"));
        return new FuncExpr("array", at, coerced, (v, ctx) -> v.clone(), false, BoundExpr.Volatility.IMMUTABLE);
    }

    private BoundExpr atTimeZone(AtTimeZone a, Scope scope, AggState agg) {
        BoundExpr arg = expr(a.arg(), scope, agg);
        BoundExpr zone = coerce(expr(a.zone(), scope, agg), PgType.TEXT, Casts.Context.IMPLICIT, a.zone().loc(), "AT TIME ZONE");
        if (arg.type() == PgType.UNKNOWN) arg = coerce(arg, PgType.TIMESTAMPTZ, Casts.Context.IMPLICIT, a.arg().loc(), "AT TIME ZONE");
        if (arg.type() == PgType.DATE) arg = coerce(arg, PgType.TIMESTAMPTZ, Casts.Context.IMPLICIT, a.arg().loc(), "AT TIME ZONE");
        if (arg.type() == PgType.TIMESTAMPTZ) {
            return new FuncExpr("timezone", PgType.TIMESTAMP, List.of(zone, arg),
                    (v, ctx) -> LocalDateTime.ofInstant((Instant) v[1], zoneOf((String) v[0])), true, BoundExpr.Volatility.IMMUTABLE);
        }
        if (arg.type() == PgType.TIMESTAMP) {
            return new FuncExpr("timezone", PgType.TIMESTAMPTZ, List.of(zone, arg),
                    (v, ctx) -> ((LocalDateTime) v[1]).atZone(zoneOf((String) v[0])).toInstant(), true, BoundExpr.Volatility.IMMUTABLE);
        }
        throw err(SqlState.UNDEFINED_FUNCTION, a.loc(), "function timezone(text, %s) does not exist", arg.type().sqlName())
                .withHint("No function matches the given name and argument types. You might need to add explicit type casts.");
    }

    private static ZoneId zoneOf(String name) {
        ZoneId z = DateTimes.zone(name);
        if (z == null) throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "time zone \"%s\" not recognized", name);
        return z;
    }

    private BoundExpr subLink(SubLink s, Scope scope, AggState agg) {
        Analyzer inner = new Analyzer(sql, paramTypes, format, now);
        Analyzed q = inner.select(s.subquery());
        PlanNode plan = q.plan();
        switch (s.kind()) {
            case EXISTS -> {
                return new Exprs.SubqueryExpr(PgType.BOOL, (row, ctx) -> {
                    try (PlanNode.RowSource src = plan.open(ctx)) {
                        return src.next() != null;
                    }
                });
            }
            case EXPR, ARRAY -> {
                if (q.columns().size() != 1) {
                    throw err(SqlState.SYNTAX_ERROR, s.loc(), "subquery must return only one column");
                }
                PgType t = q.columns().get(0).type();
                if (s.kind() == SubLinkKind.ARRAY) {
                    PgType at = t.arrayType();
                    if (at == null) throw err(SqlState.UNDEFINED_OBJECT, s.loc(), "could not find array type for data type %s", t.sqlName());
                    return new Exprs.SubqueryExpr(at, (row, ctx) -> {
                        List<Object> out = new ArrayList<>();
                        try (PlanNode.RowSource src = plan.open(ctx)) {
                            for (Object[] r; (r = src.next()) != null; ) out.add(r[0]);
                        }
                        return out.toArray();
                    });
                }
                return new Exprs.SubqueryExpr(t, (row, ctx) -> {
                    try (PlanNode.RowSource src = plan.open(ctx)) {
                        Object[] first = src.next();
                        if (first == null) return null;
                        if (src.next() != null) {
                            throw PgException.error(SqlState.CARDINALITY_VIOLATION,
                                    "more than one row returned by a subquery used as an expression");
                        }
                        return first[0];
                    }
                });
            }
            default -> {
                BoundExpr test = expr(s.test(), scope, agg);
                if (q.columns().size() != 1) throw err(SqlState.SYNTAX_ERROR, s.loc(), "subquery has too many columns");
                BoundExpr cmp = binaryOp("=", test, new ColumnExpr(0, q.columns().get(0).type()), s.loc(), s.test().loc(), s.loc());
                boolean not = s.not();
                BoundExpr left = cmp.children().get(0);
                BoundExpr right = cmp.children().get(1);
                return new Exprs.SubqueryExpr(PgType.BOOL, (row, ctx) -> {
                    Object v = left.eval(row, ctx);
                    Object r = false;
                    try (PlanNode.RowSource src = plan.open(ctx)) {
                        for (Object[] sub; (sub = src.next()) != null; ) {
                            Object w = right.eval(sub, ctx);
                            Object eq = v == null || w == null ? null : org.pgkernel.sql.internal.types.Values.compare(v, w) == 0;
                            r = or(r, eq);
                            if (Boolean.TRUE.equals(r)) break;
                        }
                    }
                    return r == null ? null : not != (Boolean) r;
                });
            }
        }
    }

    // ================================================================== functions

    private PgException noFunction(String name, List<BoundExpr> args, int loc) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < args.size(); i++) {
            if (i > 0) b.append(", ");
            b.append(args.get(i).type().sqlName());
        }
        return err(SqlState.UNDEFINED_FUNCTION, loc, "function %s(%s) does not exist", name, b)
                .withHint("No function matches the given name and argument types. You might need to add explicit type casts.");
    }

    /** How well arguments match a signature: -1 no match, else exact matches * 4 + preferred-type matches. */
    private static int matchScore(List<BoundExpr> args, List<PgType> sig, boolean variadic) {
        if (!variadic && args.size() != sig.size()) return -1;
        if (variadic && args.size() < sig.size() - 1) return -1;
        int score = 0;
        for (int i = 0; i < args.size(); i++) {
            PgType want = i < sig.size() ? sig.get(i) : sig.get(sig.size() - 1);
            PgType have = args.get(i).type();
            if (want == null || want == have) {
                score += 4;
            } else if (have == PgType.UNKNOWN) {
                score += want.category() == 'S' ? 2 : (want.preferred() ? 1 : 0);
            } else if (Casts.canCast(have, want, Casts.Context.IMPLICIT)) {
                score += want.preferred() ? 1 : 0;
            } else {
                return -1;
            }
        }
        return score;
    }

    private List<BoundExpr> coerceArgs(List<BoundExpr> args, List<PgType> sig, List<Ast.Expr> raw) {
        List<BoundExpr> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            PgType want = i < sig.size() ? sig.get(i) : sig.get(sig.size() - 1);
            BoundExpr a = args.get(i);
            int loc = i < raw.size() ? raw.get(i).loc() : -1;
            if (want == null) out.add(a.type() == PgType.UNKNOWN ? coerce(a, PgType.TEXT, Casts.Context.IMPLICIT, loc, "") : a);
            else out.add(coerce(a, want, Casts.Context.IMPLICIT, loc, ""));
        }
        return out;
    }

    private BoundExpr function(FuncCall f, List<BoundExpr> args, Scope scope, AggState agg) {
        String name = functionName(f);
        if (f.name().size() > 1 && !f.name().get(0).equals("pg_catalog")) {
            throw err(SqlState.INVALID_SCHEMA_NAME, f.loc(), "schema \"%s\" does not exist", f.name().get(0));
        }
        if (f.star()) throw err(SqlState.WRONG_OBJECT_TYPE, f.loc(), "%s(*) specified, but %s is not an aggregate function", name, name);
        if (TableFunctions.isSetReturning(name)) {
            throw err(SqlState.FEATURE_NOT_SUPPORTED, f.loc(), "set-returning functions in the select list are not supported yet");
        }
        if (name.equals("pg_typeof") && args.size() == 1) {
            return new ConstExpr(PgType.NAME, args.get(0).type() == PgType.UNKNOWN ? "unknown" : args.get(0).type().sqlName());
        }
        Functions.Def best = null;
        int bestScore = -1;
        for (Functions.Def d : Functions.overloads(name)) {
            int s = matchScore(args, d.args(), d.variadic());
            if (s > bestScore) {
                bestScore = s;
                best = d;
            }
        }
        if (best == null) throw noFunction(name, args, f.loc());
        List<BoundExpr> coerced = new ArrayList<>();
        if (best.variadic()) {
            for (int i = 0; i < args.size(); i++) {
                PgType want = i < best.args().size() ? best.args().get(i) : best.args().get(best.args().size() - 1);
                BoundExpr a = args.get(i);
                if (want == null) {
                    // "any": pass values as their text output, as concat() does
                    coerced.add(a.type() == PgType.UNKNOWN || a.type().isStringLike() ? coerce(a, PgType.TEXT, Casts.Context.IMPLICIT, -1, "")
                            : coerce(a, PgType.TEXT, Casts.Context.EXPLICIT, -1, ""));
                } else {
                    coerced.add(coerce(a, want, Casts.Context.IMPLICIT, f.args().get(i).loc(), ""));
                }
            }
        } else {
            coerced = coerceArgs(args, best.args(), f.args());
        }
        return new FuncExpr(name, best.result(), coerced, best.impl(), best.strict(), best.volatility());
    }

    // ================================================================== coercion

    private BoundExpr resolveUnknownAsText(BoundExpr e) {
        return e.type() == PgType.UNKNOWN ? coerce(e, PgType.TEXT, Casts.Context.IMPLICIT, -1, "") : e;
    }

    private BoundExpr cast(BoundExpr e, TypeName tn, int castLoc, int argLoc) {
        PgType target = PgType.byName(tn.name());
        if (target == null || tn.name().equals("timetz")) {
            throw err(SqlState.UNDEFINED_OBJECT, tn.loc(), "type \"%s\" does not exist", tn.name());
        }
        if (tn.array()) {
            PgType at = target.arrayType();
            if (at == null) throw err(SqlState.UNDEFINED_OBJECT, tn.loc(), "type \"%s[]\" does not exist", tn.name());
            target = at;
        }
        List<Integer> mods = tn.typmods();
        if (e.type() == PgType.UNKNOWN && e instanceof ConstExpr c) {
            try {
                Object v = c.value() == null ? null : TypeIO.fromText(target, (String) c.value(), format, now);
                if (v != null && !mods.isEmpty()) v = Casts.cast(v, target, target, mods, format, now);
                return new ConstExpr(target, v);
            } catch (PgException ex) {
                throw ex.position() == 0 ? ex.withPosition(pos(argLoc)) : ex;
            }
        }
        if (!Casts.canCast(e.type(), target, Casts.Context.EXPLICIT)) {
            throw err(SqlState.CANNOT_COERCE, castLoc, "cannot cast type %s to %s", e.type().sqlName(), target.sqlName());
        }
        if (e.type() == PgType.UNKNOWN && e instanceof ParamExpr p) {
            paramTypes[p.index()] = target;
            return mods.isEmpty() ? p : castNode(p, target, target, mods);
        }
        if (e.type() == target && mods.isEmpty()) return e;
        return castNode(e, e.type(), target, mods);
    }

    private BoundExpr castNode(BoundExpr e, PgType from, PgType to, List<Integer> mods) {
        BoundExpr.Volatility vol = from == PgType.TIMESTAMPTZ || to == PgType.TIMESTAMPTZ || from.isStringLike()
                && (to.category() == 'D' || to == PgType.INTERVAL) ? BoundExpr.Volatility.STABLE : BoundExpr.Volatility.IMMUTABLE;
        Instant n = now;
        return new FuncExpr(to.typname(), to, List.of(e),
                (a, ctx) -> Casts.cast(a[0], from, to, mods, ctx.format(), ctx.statementStart() != null ? ctx.statementStart() : n),
                true, vol);
    }

    /** Coerces to {@code target} in the given context, or fails with 42804 naming {@code what}. */
    BoundExpr coerce(BoundExpr e, PgType target, Casts.Context cc, int loc, String what) {
        PgType from = e.type();
        if (from == target) return e;
        if (from == PgType.UNKNOWN) {
            if (e instanceof ConstExpr c) {
                try {
                    return new ConstExpr(target, c.value() == null ? null : TypeIO.fromText(target, (String) c.value(), format, now));
                } catch (PgException ex) {
                    throw ex.position() == 0 ? ex.withPosition(pos(loc)) : ex;
                }
            }
            if (e instanceof ParamExpr p) {
                paramTypes[p.index()] = target;
                return p;
            }
            return castNode(e, PgType.TEXT, target, List.of());
        }
        if (!Casts.canCast(from, target, cc)) {
            if (what.isEmpty() || cc == Casts.Context.EXPLICIT) {
                throw err(SqlState.CANNOT_COERCE, loc, "cannot cast type %s to %s", from.sqlName(), target.sqlName());
            }
            throw err(SqlState.DATATYPE_MISMATCH, loc, "argument of %s must be type %s, not type %s", what,
                    target.sqlName(), from.sqlName());
        }
        return castNode(e, from, target, List.of());
    }

    /** Date/time literal helpers for callers that need the analyzer's clock. */
    public Instant now() { return now; }

}
