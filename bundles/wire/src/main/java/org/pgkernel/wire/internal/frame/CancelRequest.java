package org.pgkernel.wire.internal.frame;

/** A CancelRequest packet: the pid and secret key of the backend whose query is to be cancelled. */
public record CancelRequest(int pid, int key) { }
