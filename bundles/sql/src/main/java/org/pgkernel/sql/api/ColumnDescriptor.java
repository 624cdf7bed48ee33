package org.pgkernel.sql.api;

/**
 * One field of a RowDescription: name, table OID and column number (0 when not a table
 * column), type OID, type size (-1 varlena, -2 cstring), type modifier (-1 none), format
 * (0 text, 1 binary).
 */
public record ColumnDescriptor(String name, int tableOid, short columnNumber, int typeOid,
                               short typeSize, int typeModifier, short format) {
}
