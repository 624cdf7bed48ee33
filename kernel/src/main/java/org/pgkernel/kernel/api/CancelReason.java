package org.pgkernel.kernel.api;

/** Why a query is being cancelled; decides the message of the 57014 / 55P03 / 25P03 error. */
public enum CancelReason {
    USER_REQUEST("canceling statement due to user request", SqlState.QUERY_CANCELED),
    STATEMENT_TIMEOUT("canceling statement due to statement timeout", SqlState.QUERY_CANCELED),
    LOCK_TIMEOUT("canceling statement due to lock timeout", SqlState.LOCK_NOT_AVAILABLE);

    private final String message;
    private final SqlState state;

    CancelReason(String message, SqlState state) {
        this.message = message;
        this.state = state;
    }

    public String message() { return message; }
    public SqlState sqlState() { return state; }
}
