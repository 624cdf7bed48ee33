/** Data types: OIDs, text and binary input/output, casts, ordering, date/time and interval rules. */
package org.pgkernel.sql.internal.types;
