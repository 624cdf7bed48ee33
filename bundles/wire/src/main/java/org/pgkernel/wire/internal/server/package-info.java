/** Listening sockets, the per-connection pipeline and the connection the backend process drives. */
package org.pgkernel.wire.internal.server;
