package org.pgkernel.hba.api;

import java.util.List;

/**
 * One row of pg_hba_file_rules (PostgreSQL 16 columns). Null means SQL NULL.
 *
 * @param ruleNumber number of this rule among the valid ones, in matching order; null when
 *                   the line has an error (except for a method no installed bundle provides:
 *                   that line is still in effect, so it keeps its number)
 * @param fileName   absolute path of the file holding the line
 * @param lineNumber line number within that file
 * @param type       connection type keyword, null when the line could not be parsed
 * @param database   database names as written, dequoted; null on a parse error
 * @param userName   user names as written, dequoted; null on a parse error
 * @param address    host name, numeric address, "all", "samehost" or "samenet"; null for local
 * @param netmask    numeric netmask for an address; null otherwise
 * @param authMethod authentication method
 * @param options    options as PostgreSQL lists them (e.g. "map=x", "clientcert=verify-full"); null when none
 * @param error      why the line is invalid or cannot be used; null when fine
 */
public record HbaRuleRow(Integer ruleNumber, String fileName, int lineNumber, String type,
                         List<String> database, List<String> userName, String address, String netmask,
                         String authMethod, List<String> options, String error) {
}
