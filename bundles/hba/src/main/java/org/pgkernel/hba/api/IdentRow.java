package org.pgkernel.hba.api;

/**
 * One row of pg_ident_file_mappings (PostgreSQL 16 columns). Null means SQL NULL.
 *
 * @param mapNumber  number of this mapping among the valid ones; null when the line has an error
 * @param fileName   absolute path of the file holding the line
 * @param lineNumber line number within that file
 * @param mapName    the map name; null on error
 * @param sysName    the system user name as written, dequoted ("/regex" keeps its slash); null on error
 * @param pgUsername the database user name as written, dequoted; null on error
 * @param error      why the line is invalid; null when fine
 */
public record IdentRow(Integer mapNumber, String fileName, int lineNumber, String mapName, String sysName,
                       String pgUsername, String error) {
}
