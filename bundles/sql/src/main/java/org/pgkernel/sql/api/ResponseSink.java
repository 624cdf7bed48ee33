package org.pgkernel.sql.api;

import org.pgkernel.kernel.api.PgException;

/**
 * Where a session writes its responses; implemented by the backend on top of the wire
 * protocol. Rows stream: {@link #beginRow}/{@code value…}/{@link #endRow} may block in
 * {@link #endRow} while the client is slow (backpressure) and check for interrupts there.
 */
public interface ResponseSink {
    void rowDescription(ColumnDescriptor[] columns);

    void noData();

    void parameterDescription(int[] typeOids);

    void beginRow(int columns);

    /** A text-format value, encoded by the sink in the client encoding. */
    void textValue(String value);

    /** A binary-format value (or raw bytes of a text value already encoded). */
    void binaryValue(byte[] value);

    void nullValue();

    void endRow();

    /** CommandComplete with its tag, e.g. "SELECT 3", "SET", "INSERT 0 1". */
    void commandComplete(String tag);

    void emptyQuery();

    void portalSuspended();

    /** A NoticeResponse (WARNING, NOTICE, INFO …) sent right away, in order with the rows. */
    void notice(PgException notice);

    /**
     * A NotificationResponse: a notification on a channel the session listens on, from the
     * backend with pid {@code senderPid}; {@code payload} is "" when none was given.
     */
    void notification(int senderPid, String channel, String payload);
}
