/** Built-in operators, scalar, aggregate and set-returning functions, and the live system views. */
package org.pgkernel.sql.internal.func;
