package org.pgkernel.wire.api;

import java.util.Objects;

/**
 * One field of a RowDescription ('T') message, in the order the protocol sends them.
 *
 * @param name         the column label; must not be null
 * @param tableOid     the table's OID when the field is a plain column of a table, else 0
 * @param columnNumber the attribute number within that table, else 0
 * @param typeOid      the data type's OID (pg_type.oid)
 * @param typeSize     pg_type.typlen: negative for variable-width types
 * @param typeModifier pg_attribute.atttypmod, -1 when none
 * @param format       0 text, 1 binary (in a Describe answer: 0 if not yet known)
 */
public record FieldDescription(String name, int tableOid, short columnNumber, int typeOid, short typeSize,
                               int typeModifier, short format) {
    public FieldDescription {
        Objects.requireNonNull(name, "name");
    }
}
