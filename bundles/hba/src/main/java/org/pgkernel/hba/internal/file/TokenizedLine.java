package org.pgkernel.hba.internal.file;

import java.util.List;

/**
 * One logical line of an authentication file after tokenizing (cf. TokenizedAuthLine):
 * its fields, each a list of tokens (a comma list or an expanded @file), where it came from,
 * the raw text (continuations joined) and the error found while tokenizing, if any.
 *
 * @param error null when the line tokenized cleanly
 */
public record TokenizedLine(List<List<AuthToken>> fields, String fileName, int lineNumber, String rawLine,
                            String error) {

    public TokenizedLine {
        fields = List.copyOf(fields.stream().map(List::copyOf).toList());
    }
}
