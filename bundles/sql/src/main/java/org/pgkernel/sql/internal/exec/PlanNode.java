package org.pgkernel.sql.internal.exec;

import java.util.List;
import org.pgkernel.sql.internal.types.PgType;

/**
 * A node of an executable plan (cf. PlanState): opening it gives a pull-based row source,
 * so rows flow one at a time from the leaves to the client and only the nodes that must
 * (Sort, Agg, Distinct) hold rows in memory.
 */
public interface PlanNode {

    /** One output column: name (for RowDescription and *) and type. */
    record Column(String name, PgType type) { }

    List<Column> columns();

    RowSource open(ExecContext ctx);

    /** An open scan: {@link #next} returns the next row or null at the end. */
    interface RowSource extends AutoCloseable {
        Object[] next();

        @Override
        default void close() { }
    }
}
