/** Name and type resolution and planning: from the raw parse tree to typed expressions and plan nodes. */
package org.pgkernel.sql.internal.analyze;
