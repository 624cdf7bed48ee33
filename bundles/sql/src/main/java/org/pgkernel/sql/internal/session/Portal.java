package org.pgkernel.sql.internal.session;

import org.pgkernel.sql.internal.exec.ExecContext;
import org.pgkernel.sql.internal.exec.PlanNode;

/**
 * A portal (cf. portal.h): a prepared statement with bound parameters and result formats,
 * and, once executed, its open row source, so that Execute with a row limit can continue
 * where the last one stopped (PortalSuspended). Portals end with their transaction.
 */
final class Portal {
    final String name;
    final Prepared prepared;
    final Object[] params;
    final short[] resultFormats;
    final PlanNode plan;
    ExecContext context;
    PlanNode.RowSource source;
    boolean done;

    Portal(String name, Prepared prepared, Object[] params, short[] resultFormats, PlanNode plan) {
        this.name = name;
        this.prepared = prepared;
        this.params = params;
        this.resultFormats = resultFormats;
        this.plan = plan;
    }

    short format(int column) {
        if (resultFormats == null || resultFormats.length == 0) return 0;
        if (resultFormats.length == 1) return resultFormats[0];
        return resultFormats[column];
    }

    void close() {
        if (source != null) {
            source.close();
            source = null;
        }
    }
}
