package org.pgkernel.sql.internal.session;

/**
 * The transaction block states of xact.c (TBlockState), reduced to what a session without
 * savepoints needs:
 *
 * <pre>
 *   DEFAULT ──stmt──▶ STARTED ──end of stmt / Sync──▶ DEFAULT
 *   DEFAULT ──Query with several stmts──▶ IMPLICIT_INPROGRESS ──end of Query──▶ DEFAULT
 *   STARTED | IMPLICIT_INPROGRESS ──BEGIN──▶ INPROGRESS ──COMMIT/ROLLBACK──▶ DEFAULT
 *   INPROGRESS ──error──▶ FAILED ──COMMIT/ROLLBACK──▶ DEFAULT   (COMMIT reports ROLLBACK)
 * </pre>
 */
enum TransactionState {
    /** No transaction. */
    DEFAULT,
    /** A single statement's (or an extended-protocol cycle's) implicit transaction. */
    STARTED,
    /** The implicit block spanning the statements of one multi-statement Query. */
    IMPLICIT_INPROGRESS,
    /** Inside BEGIN … COMMIT. ReadyForQuery 'T'. */
    INPROGRESS,
    /** Inside a block after an error: only ROLLBACK/COMMIT are accepted. ReadyForQuery 'E'. */
    FAILED
}
