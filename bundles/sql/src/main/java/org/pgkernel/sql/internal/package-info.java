/** The SQL engine component (Declarative Services) and its shared statement-timeout scheduler; never exported. */
package org.pgkernel.sql.internal;
