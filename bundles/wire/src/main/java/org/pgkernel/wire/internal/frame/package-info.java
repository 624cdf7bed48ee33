/** Framing: the startup-phase packets and the typed messages after them, with PostgreSQL's length limits. */
package org.pgkernel.wire.internal.frame;
