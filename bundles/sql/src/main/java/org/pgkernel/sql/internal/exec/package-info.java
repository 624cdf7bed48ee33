/** The pull-based executor: plan nodes, typed expressions, constant folding and the execution context. */
package org.pgkernel.sql.internal.exec;
