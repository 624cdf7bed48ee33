package org.pgkernel.hba.internal.rule;

/**
 * What parsing one line gave: the parsed line (null when it cannot be used) and the error
 * message for the view's error column (null when none). Both can be set: a line that loads
 * but can never match.
 */
public record ParseResult<T>(T line, String error) {
}
