package org.pgkernel.backend.internal;

import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.ServerProcess;
import org.pgkernel.sql.api.ColumnDescriptor;
import org.pgkernel.sql.api.ResponseSink;
import org.pgkernel.wire.api.FieldDescription;
import org.pgkernel.wire.api.FrontendConnection;
import org.pgkernel.wire.api.MessageWriter;

/**
 * The SQL session's responses written as protocol messages. Rows (and notifications) stream: after each one,
 * once more than {@link PostgresMain#FLUSH_AT} bytes are buffered they are flushed, and while
 * the socket is not writable the backend waits on its latch (and stays cancellable), so a
 * slow reader makes the server wait instead of buffering.
 */
final class WireSink implements ResponseSink {
    private final MessageWriter out;
    private final FrontendConnection conn;
    private final ServerProcess self;

    WireSink(MessageWriter out, FrontendConnection conn, ServerProcess self) {
        this.out = out;
        this.conn = conn;
        this.self = self;
    }

    @Override
    public void rowDescription(ColumnDescriptor[] columns) {
        FieldDescription[] f = new FieldDescription[columns.length];
        for (int i = 0; i < columns.length; i++) {
            ColumnDescriptor c = columns[i];
            f[i] = new FieldDescription(c.name(), c.tableOid(), c.columnNumber(), c.typeOid(), c.typeSize(), c.typeModifier(), c.format());
        }
        out.rowDescription(f);
    }

    @Override public void noData() { out.noData(); }
    @Override public void parameterDescription(int[] typeOids) { out.parameterDescription(typeOids); }
    @Override public void beginRow(int columns) { out.beginDataRow(columns); }
    @Override public void textValue(String value) { out.dataRowText(value); }
    @Override public void binaryValue(byte[] value) { out.dataRowValue(value); }
    @Override public void nullValue() { out.dataRowNull(); }

    @Override
    public void endRow() {
        out.endDataRow();
        flushIfFull();
    }

    /**
     * Past {@link PostgresMain#FLUSH_AT} buffered bytes: flushes, and waits on the latch while the
     * socket is not writable (cancellable), as pq_flush() blocks on a full socket.
     */
    private void flushIfFull() {
        if (out.bufferedBytes() >= PostgresMain.FLUSH_AT) {
            conn.flush();
            while (!conn.isWritable() && conn.isOpen()) {
                self.latch().reset();
                if (conn.isWritable()) break;
                self.checkForInterrupts();
                self.latch().await(1000);
            }
            self.checkForInterrupts();
        }
    }

    @Override public void commandComplete(String tag) { out.commandComplete(tag); }
    @Override public void emptyQuery() { out.emptyQueryResponse(); }
    @Override public void portalSuspended() { out.portalSuspended(); }

    @Override
    public void notification(int senderPid, String channel, String payload) {
        out.notificationResponse(senderPid, channel, payload);
        // a listener that does not read holds the queue's tail, as in PostgreSQL, rather than memory here
        flushIfFull();
    }

    @Override
    public void notice(PgException n) {
        out.noticeResponse(PostgresMain.fields(n));
    }
}
