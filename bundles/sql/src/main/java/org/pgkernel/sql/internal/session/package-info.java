/** Sessions: simple and extended query protocol flows over xact.c's transaction block states. */
package org.pgkernel.sql.internal.session;
