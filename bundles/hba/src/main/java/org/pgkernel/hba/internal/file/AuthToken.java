package org.pgkernel.hba.internal.file;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One token of an authentication file (cf. AuthToken in hba.h): the dequoted text, whether
 * it started with a quote (then {@code all}, {@code +x}, {@code @x} lose their meaning) and,
 * once a parser compiled it, the regular expression of a token that starts with a slash.
 */
public record AuthToken(String string, boolean quoted, Pattern regex) {

    public AuthToken {
        Objects.requireNonNull(string);
    }

    public static AuthToken of(String string, boolean quoted) {
        return new AuthToken(string, quoted, null);
    }

    /** An unquoted keyword such as {@code all} (token_is_keyword()). */
    public boolean isKeyword(String keyword) {
        return !quoted && string.equals(keyword);
    }

    /** An unquoted {@code +role} (token_is_member_check()). */
    public boolean isMemberCheck() {
        return !quoted && string.startsWith("+");
    }

    /** Whether a parser compiled this token as a regular expression. */
    public boolean hasRegex() {
        return regex != null;
    }

    public AuthToken withRegex(Pattern compiled) {
        return new AuthToken(string, quoted, compiled);
    }
}
