package org.pgkernel.hba.internal.rule;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Regular expressions of pg_hba.conf and pg_ident.conf tokens that start with a slash
 * (PostgreSQL 16). PostgreSQL compiles them as advanced regular expressions (ARE); this
 * translates the ARE spellings Java's engine lacks ({@code [[:alpha:]]}, {@code \m},
 * {@code \M}, {@code \y}, {@code \Y}) and words compile errors as pg_regerror() does.
 * Matching is a search, not an anchored match: write {@code ^…$} to anchor.
 */
public final class AuthRegex {
    private AuthRegex() {
    }

    /** Compiles the text after the slash; throws {@link IllegalArgumentException} with PostgreSQL's reason. */
    public static Pattern compile(String are) {
        try {
            return Pattern.compile(translate(are));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(reason(e), e);
        }
    }

    private static String reason(PatternSyntaxException e) {
        String d = e.getDescription();
        if (d.startsWith("Unclosed group") || d.startsWith("Unmatched closing")) {
            return "parentheses () not balanced";
        }
        if (d.startsWith("Unclosed character class")) {
            return "brackets [] not balanced";
        }
        if (d.startsWith("Dangling meta character")) {
            return "quantifier operand invalid";
        }
        if (d.startsWith("Illegal repetition range")) {
            return "invalid repetition count(s)";
        }
        if (d.startsWith("Illegal repetition") || d.startsWith("Unclosed counted closure")) {
            return "braces {} not balanced";
        }
        if (d.startsWith("Illegal character range")) {
            return "invalid character range";
        }
        if (d.contains("backslash") || d.contains("escape")) {
            return "invalid escape \\ sequence";
        }
        if (d.contains("character class") || d.contains("POSIX")) {
            return "invalid character class";
        }
        return "invalid regular expression";
    }

    static String translate(String are) {
        StringBuilder out = new StringBuilder(are.length() + 8);
        boolean inBracket = false;
        for (int i = 0; i < are.length(); i++) {
            char c = are.charAt(i);
            if (c == '\\' && i + 1 < are.length()) {
                char n = are.charAt(i + 1);
                if (!inBracket && (n == 'm' || n == 'M' || n == 'y')) {
                    out.append("\\b");
                } else if (!inBracket && n == 'Y') {
                    out.append("\\B");
                } else {
                    out.append(c).append(n);
                }
                i++;
                continue;
            }
            if (inBracket && c == '[' && i + 1 < are.length() && are.charAt(i + 1) == ':') {
                int end = are.indexOf(":]", i + 2);
                if (end > 0) {
                    String cls = posixClass(are.substring(i + 2, end));
                    if (cls != null) {
                        out.append(cls);
                        i = end + 1;
                        continue;
                    }
                }
            }
            if (!inBracket && c == '[') {
                inBracket = true;
                out.append(c);
                // a ']' right after '[' or '[^' is literal, as in POSIX
                if (i + 1 < are.length() && are.charAt(i + 1) == '^') {
                    out.append('^');
                    i++;
                }
                if (i + 1 < are.length() && are.charAt(i + 1) == ']') {
                    out.append("\\]");
                    i++;
                }
                continue;
            }
            if (inBracket && c == ']') {
                inBracket = false;
            } else if (inBracket && c == '[') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    private static String posixClass(String name) {
        return switch (name) {
            case "alpha" -> "\\p{Alpha}";
            case "digit" -> "\\p{Digit}";
            case "alnum" -> "\\p{Alnum}";
            case "upper" -> "\\p{Upper}";
            case "lower" -> "\\p{Lower}";
            case "space" -> "\\p{Space}";
            case "punct" -> "\\p{Punct}";
            case "xdigit" -> "\\p{XDigit}";
            case "blank" -> "\\p{Blank}";
            case "cntrl" -> "\\p{Cntrl}";
            case "print" -> "\\p{Print}";
            case "graph" -> "\\p{Graph}";
            case "word" -> "\\w";
            default -> null;
        };
    }
}
