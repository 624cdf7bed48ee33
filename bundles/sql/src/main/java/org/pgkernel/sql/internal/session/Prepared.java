package org.pgkernel.sql.internal.session;

import java.util.List;
import org.pgkernel.sql.internal.analyze.Analyzed;
import org.pgkernel.sql.internal.parse.Ast;
import org.pgkernel.sql.internal.types.PgType;

/**
 * A prepared statement (cf. CachedPlanSource): its text, its one parsed statement (null
 * for an empty string), the resolved parameter types, and for queries the analyzed plan
 * and result columns.
 */
record Prepared(String name, String sql, Ast.Stmt stmt, PgType[] paramTypes, Analyzed analyzed) {
    List<org.pgkernel.sql.internal.exec.PlanNode.Column> columns() {
        return analyzed == null ? null : analyzed.columns();
    }
}
