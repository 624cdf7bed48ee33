package org.pgkernel.sql.internal.analyze;

import java.util.List;
import org.pgkernel.sql.internal.exec.PlanNode;

/** An analyzed query: its plan and its output columns (RowDescription). */
public record Analyzed(PlanNode plan, List<PlanNode.Column> columns) { }
