package org.pgkernel.sql.internal.analyze;

import java.util.ArrayList;
import java.util.List;
import org.pgkernel.sql.internal.exec.PlanNode.Column;

/**
 * The FROM-clause entries visible to an expression (cf. ParseNamespaceItem): each range
 * has a name and columns that sit at {@code offset} in the joined input row.
 */
final class Scope {
    record Range(String name, List<Column> columns, int offset) { }

    private final List<Range> ranges = new ArrayList<>();
    private int width;

    static Scope empty() { return new Scope(); }

    void add(String name, List<Column> columns) {
        ranges.add(new Range(name, columns, width));
        width += columns.size();
    }

    List<Range> ranges() { return ranges; }

    int width() { return width; }

    boolean isEmpty() { return ranges.isEmpty(); }
}
