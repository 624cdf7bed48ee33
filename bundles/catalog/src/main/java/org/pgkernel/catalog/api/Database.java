package org.pgkernel.catalog.api;

/**
 * One row of pg_database (the columns that exist before storage does).
 *
 * @param encoding  the server encoding's name, e.g. "UTF8" (pg_database.encoding holds its number)
 * @param connLimit datconnlimit; -1 means no limit
 */
public record Database(int oid, String name, int ownerOid, String encoding, String collate, String ctype,
                       boolean isTemplate, boolean allowConnections, int connLimit) {
}
