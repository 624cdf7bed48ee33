/** Frontend message bodies decoded into records, backend messages encoded into pooled buffers, client encodings. */
package org.pgkernel.wire.internal.message;
