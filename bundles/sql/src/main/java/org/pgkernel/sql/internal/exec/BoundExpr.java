package org.pgkernel.sql.internal.exec;

import java.util.List;
import org.pgkernel.sql.internal.types.PgType;

/**
 * An analyzed, typed expression ready to evaluate against a row (cf. ExprState). Rows are
 * {@code Object[]} laid out as the plan node below produced them.
 */
public abstract class BoundExpr {
    /** pg_proc.provolatile: only immutable expressions over constants are folded at plan time. */
    public enum Volatility { IMMUTABLE, STABLE, VOLATILE }

    private final PgType type;

    protected BoundExpr(PgType type) { this.type = type; }

    public PgType type() { return type; }

    public abstract Object eval(Object[] row, ExecContext ctx);

    public List<BoundExpr> children() { return List.of(); }

    /** The same node over new children (for folding); leaves return themselves. */
    public BoundExpr withChildren(List<BoundExpr> children) { return this; }

    /** The node's own volatility, not counting its children. */
    public Volatility volatility() { return Volatility.IMMUTABLE; }
}
