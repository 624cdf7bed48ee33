package org.pgkernel.sql.internal.session;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.sql.api.ColumnDescriptor;
import org.pgkernel.sql.api.ResponseSink;

/**
 * Records what a client would see, one line per message in the conformance harness's
 * style: "T name:oid,…", "D v|v" (\N for NULL, \x.. for binary), "C tag", "I", "s", "n",
 * "t oids", "N SEVERITY CODE message", "A pid channel payload".
 */
class RecordingSink implements ResponseSink {
    final List<String> lines = new ArrayList<>();
    private StringBuilder row;
    private boolean firstValue;

    @Override public void rowDescription(ColumnDescriptor[] columns) {
        StringBuilder b = new StringBuilder("T ");
        for (int i = 0; i < columns.length; i++) {
            if (i > 0) b.append(',');
            b.append(columns[i].name()).append(':').append(columns[i].typeOid());
        }
        lines.add(b.toString());
    }

    @Override public void noData() { lines.add("n"); }

    @Override public void parameterDescription(int[] typeOids) {
        StringBuilder b = new StringBuilder("t ");
        for (int i = 0; i < typeOids.length; i++) {
            if (i > 0) b.append(',');
            b.append(typeOids[i]);
        }
        lines.add(b.toString());
    }

    @Override public void beginRow(int columns) {
        row = new StringBuilder("D ");
        firstValue = true;
    }

    private void sep() {
        if (!firstValue) row.append('|');
        firstValue = false;
    }

    @Override public void textValue(String value) {
        sep();
        row.append(value);
    }

    @Override public void binaryValue(byte[] value) {
        sep();
        row.append("\\x").append(HexFormat.of().formatHex(value));
    }

    @Override public void nullValue() {
        sep();
        row.append("\\N");
    }

    @Override public void endRow() { lines.add(row.toString()); }

    @Override public void commandComplete(String tag) { lines.add("C " + tag); }

    @Override public void emptyQuery() { lines.add("I"); }

    @Override public void portalSuspended() { lines.add("s"); }

    @Override public void notification(int senderPid, String channel, String payload) {
        lines.add("A " + senderPid + " " + channel + " " + payload);
    }

    @Override public void notice(PgException notice) {
        lines.add("N " + notice.severity() + " " + notice.sqlState().code() + " " + notice.getMessage()
                + (notice.hint() != null ? " HINT " + notice.hint() : "") + (notice.position() > 0 ? " @" + notice.position() : ""));
    }
}
