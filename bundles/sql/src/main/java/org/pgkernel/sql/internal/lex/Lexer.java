package org.pgkernel.sql.internal.lex;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.pgkernel.kernel.api.ErrorSeverity;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.SqlState;

/**
 * The SQL lexer, following the lexical rules of PostgreSQL's scan.l (docs §4.1): key words
 * and identifiers (downcased unless double-quoted), numbers, string constants in their four
 * forms (standard, E'', U&'', dollar-quoted) with continuation across newlines, bit strings,
 * positional parameters, operators with PostgreSQL's rule for trailing + and -, and nested
 * block comments.
 *
 * <p>Why the whole string is scanned up front: PostgreSQL's raw parser reports a lexical
 * error in any statement of a Query message before running the first one, and the grammar
 * needs one token of look-ahead with positions for error cursors.
 *
 * <p>NOTES: offsets are Java char indices; {@link #position} converts them to PostgreSQL's
 * 1-based character positions. When standard_conforming_strings is off, backslashes in
 * plain '' strings are escapes and, with escape_string_warning on, each such literal gets
 * one WARNING 22P06 (cf. check_string_escape_warning()).
 */
public final class Lexer {
    /** NAMEDATALEN - 1: identifiers longer than this many bytes are truncated. */
    public static final int MAX_IDENTIFIER_BYTES = 63;

    private static final String OP_CHARS = "~!@#^&|`?+-*/%<>=";
    private static final String SELF_CHARS = ",()[].;:+-*/%^<>=";

    private final String sql;
    private final boolean standardConformingStrings;
    private final boolean escapeStringWarning;
    private final Consumer<PgException> notices;
    private int pos;

    public Lexer(String sql, boolean standardConformingStrings, boolean escapeStringWarning,
                 Consumer<PgException> notices) {
        this.sql = sql;
        this.standardConformingStrings = standardConformingStrings;
        this.escapeStringWarning = escapeStringWarning;
        this.notices = notices;
    }

    /** Lexes with the default settings (standard_conforming_strings on); notices are dropped. */
    public static List<Token> lex(String sql) {
        return new Lexer(sql, true, true, n -> { }).tokens();
    }

    /** PostgreSQL's 1-based character position of a char offset. */
    public static int position(String sql, int offset) {
        return sql.codePointCount(0, Math.min(offset, sql.length())) + 1;
    }

    /** All tokens, ending with one EOF token. Throws 42601 for lexical errors. */
    public List<Token> tokens() {
        List<Token> out = new ArrayList<>();
        for (;;) {
            Token t = next();
            out.add(t);
            if (t.kind() == TokenKind.EOF) return out;
        }
    }

    private PgException error(String message, int start) {
        return PgException.error(SqlState.SYNTAX_ERROR, message).withPosition(position(sql, start));
    }

    private PgException nearError(String what, int start) {
        return error(what + " at or near \"" + sql.substring(start, Math.min(pos, sql.length())) + "\"", start);
    }

    private char peek(int ahead) {
        int i = pos + ahead;
        return i < sql.length() ? sql.charAt(i) : '\0';
    }

    private boolean atEnd() { return pos >= sql.length(); }

    private void skipWhitespaceAndComments() {
        for (;;) {
            if (atEnd()) return;
            char c = sql.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u000b') {
                pos++;
            } else if (c == '-' && peek(1) == '-') {
                while (!atEnd() && sql.charAt(pos) != '\n' && sql.charAt(pos) != '\r') pos++;
            } else if (c == '/' && peek(1) == '*') {
                int start = pos;
                int depth = 0;
                while (true) {
                    if (atEnd()) {
                        throw error("unterminated /* comment at or near \"" + sql.substring(start) + "\"", start);
                    }
                    if (sql.charAt(pos) == '/' && peek(1) == '*') {
                        depth++;
                        pos += 2;
                    } else if (sql.charAt(pos) == '*' && peek(1) == '/') {
                        depth--;
                        pos += 2;
                        if (depth == 0) break;
                    } else {
                        pos++;
                    }
                }
            } else {
                return;
            }
        }
    }

    private static boolean isIdentStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
    }

    private static boolean isIdentCont(char c) {
        return isIdentStart(c) || (c >= '0' && c <= '9') || c == '$';
    }

    private static boolean isDigit(char c) { return c >= '0' && c <= '9'; }

    private Token next() {
        skipWhitespaceAndComments();
        int start = pos;
        if (atEnd()) return new Token(TokenKind.EOF, "", start, start, null);
        char c = sql.charAt(pos);

        // string constants with prefixes
        if ((c == 'e' || c == 'E') && peek(1) == '\'') {
            pos++;
            return stringToken(start, true, false);
        }
        if ((c == 'b' || c == 'B') && peek(1) == '\'') {
            pos++;
            String s = quotedBody(start, false, false);
            return new Token(TokenKind.BCONST, s, start, pos, null);
        }
        if ((c == 'x' || c == 'X') && peek(1) == '\'') {
            pos++;
            String s = quotedBody(start, false, false);
            return new Token(TokenKind.XCONST, s, start, pos, null);
        }
        if ((c == 'n' || c == 'N') && peek(1) == '\'') {
            pos++;
            return stringToken(start, false, false);
        }
        if ((c == 'u' || c == 'U') && peek(1) == '&' && (peek(2) == '\'' || peek(2) == '"')) {
            pos += 2;
            if (sql.charAt(pos) == '\'') {
                String raw = quotedBody(start, false, false);
                return new Token(TokenKind.SCONST, unicodeEscapes(raw, start), start, pos, null);
            }
            String raw = quotedIdentifier(start);
            return identToken(unicodeEscapes(raw, start), start);
        }
        if (c == '\'') return stringToken(start, false, !standardConformingStrings);
        if (c == '"') {
            String name = quotedIdentifier(start);
            return identToken(name, start);
        }
        if (c == '$') {
            if (isDigit(peek(1))) {
                pos++;
                while (isDigit(peek(0))) pos++;
                if (isIdentCont(peek(0))) {
                    while (isIdentCont(peek(0))) pos++;
                    throw nearError("trailing junk after parameter", start);
                }
                return new Token(TokenKind.PARAM, sql.substring(start + 1, pos), start, pos, null);
            }
            Token dollar = dollarString(start);
            if (dollar != null) return dollar;
            pos++;
            throw nearError("syntax error", start);
        }
        if (isDigit(c) || (c == '.' && isDigit(peek(1)))) return number(start);
        if (isIdentStart(c)) {
            while (!atEnd() && isIdentCont(sql.charAt(pos))) pos++;
            String word = downcase(sql.substring(start, pos));
            Keywords.Category cat = Keywords.category(word);
            if (cat != null) return new Token(TokenKind.IDENT, word, start, pos, cat);
            return identToken(word, start);
        }
        if (c == ':' && peek(1) == ':') {
            pos += 2;
            return new Token(TokenKind.TYPECAST, "::", start, pos, null);
        }
        if (c == ':' && peek(1) == '=') {
            pos += 2;
            return new Token(TokenKind.COLON_EQUALS, ":=", start, pos, null);
        }
        if (c == '=' && peek(1) == '>') {
            pos += 2;
            return new Token(TokenKind.EQUALS_GREATER, "=>", start, pos, null);
        }
        if (c == '.' && peek(1) == '.') {
            pos += 2;
            return new Token(TokenKind.OP, "..", start, pos, null);
        }
        if (OP_CHARS.indexOf(c) >= 0) return operator(start);
        if (SELF_CHARS.indexOf(c) >= 0) {
            pos++;
            return new Token(TokenKind.PUNCT, String.valueOf(c), start, pos, null);
        }
        pos++;
        throw nearError("syntax error", start);
    }

    /** An operator per scan.l: the longest run of operator characters, cut at a comment start, trailing +/- dropped unless the operator contains ~!@#^&|`?%. */
    private Token operator(int start) {
        int end = start;
        while (end < sql.length() && OP_CHARS.indexOf(sql.charAt(end)) >= 0) end++;
        String op = sql.substring(start, end);
        int cut = op.length();
        int dash = op.indexOf("--");
        int slash = op.indexOf("/*");
        if (dash > 0) cut = Math.min(cut, dash);
        if (slash > 0) cut = Math.min(cut, slash);
        op = op.substring(0, cut);
        if (op.length() > 1 && (op.endsWith("+") || op.endsWith("-"))) {
            boolean special = false;
            for (char ch : op.toCharArray()) {
                if ("~!@#^&|`?%".indexOf(ch) >= 0) special = true;
            }
            if (!special) {
                while (op.length() > 1 && (op.endsWith("+") || op.endsWith("-"))) op = op.substring(0, op.length() - 1);
            }
        }
        pos = start + op.length();
        if (op.equals("!=")) op = "<>";
        return new Token(TokenKind.OP, op, start, pos, null);
    }

    private Token number(int start) {
        boolean isFloat = false;
        while (isDigit(peek(0))) pos++;
        if (peek(0) == '.' && peek(1) != '.') {
            isFloat = true;
            pos++;
            while (isDigit(peek(0))) pos++;
        }
        if (peek(0) == 'e' || peek(0) == 'E') {
            int save = pos;
            pos++;
            if (peek(0) == '+' || peek(0) == '-') pos++;
            if (isDigit(peek(0))) {
                isFloat = true;
                while (isDigit(peek(0))) pos++;
            } else {
                pos = save + 1;
                while (isIdentCont(peek(0))) pos++;
                throw nearError("trailing junk after numeric literal", start);
            }
        }
        if (isIdentStart(peek(0))) {
            while (isIdentCont(peek(0))) pos++;
            throw nearError("trailing junk after numeric literal", start);
        }
        String text = sql.substring(start, pos);
        if (!isFloat) {
            try {
                Integer.parseInt(text);
                return new Token(TokenKind.ICONST, text, start, pos, null);
            } catch (NumberFormatException e) {
                return new Token(TokenKind.FCONST, text, start, pos, null);
            }
        }
        return new Token(TokenKind.FCONST, text, start, pos, null);
    }

    private Token identToken(String name, int start) {
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > MAX_IDENTIFIER_BYTES) {
            int len = MAX_IDENTIFIER_BYTES;
            String truncated = new String(utf8, 0, len, StandardCharsets.UTF_8);
            while (truncated.endsWith("\uFFFD") && len > 0) {
                len--;
                truncated = new String(utf8, 0, len, StandardCharsets.UTF_8);
            }
            notices.accept(new PgException(ErrorSeverity.NOTICE, SqlState.NAME_TOO_LONG,
                    "identifier \"" + name + "\" will be truncated to \"" + truncated + "\"", null, null,
                    position(sql, start), null, null));
            name = truncated;
        }
        return new Token(TokenKind.IDENT, name, start, pos, null);
    }

    /** ASCII-only downcasing, as downcase_identifier() does for multibyte encodings. */
    public static String downcase(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                if (b == null) b = new StringBuilder(s.substring(0, i));
                b.append((char) (c + 32));
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? s : b.toString();
    }

    private String quotedIdentifier(int start) {
        pos++; // opening "
        StringBuilder b = new StringBuilder();
        for (;;) {
            if (atEnd()) throw error("unterminated quoted identifier at or near \"" + sql.substring(start) + "\"", start);
            char c = sql.charAt(pos);
            if (c == '"') {
                if (peek(1) == '"') {
                    b.append('"');
                    pos += 2;
                    continue;
                }
                pos++;
                break;
            }
            b.append(c);
            pos++;
        }
        if (b.isEmpty()) throw nearError("zero-length delimited identifier", start);
        return b.toString();
    }

    /**
     * The body of a quoted literal starting at pos (at the quote), with '' escapes and the
     * continuation rule: a closing quote, whitespace with at least one newline, and another
     * quote continue the literal. Backslash sequences are processed when {@code escapes}.
     */
    private String quotedBody(int start, boolean escapes, boolean warnBackslash) {
        StringBuilder b = new StringBuilder();
        boolean warned = false;
        pos++; // opening quote
        for (;;) {
            if (atEnd()) throw error("unterminated quoted string at or near \"" + sql.substring(start) + "\"", start);
            char c = sql.charAt(pos);
            if (c == '\'') {
                if (peek(1) == '\'') {
                    b.append('\'');
                    pos += 2;
                    continue;
                }
                pos++;
                int save = pos;
                boolean newline = false;
                while (!atEnd()) {
                    char w = sql.charAt(pos);
                    if (w == '\n' || w == '\r') {
                        newline = true;
                        pos++;
                    } else if (w == ' ' || w == '\t' || w == '\f') {
                        pos++;
                    } else if (w == '-' && peek(1) == '-') {
                        while (!atEnd() && sql.charAt(pos) != '\n' && sql.charAt(pos) != '\r') pos++;
                    } else {
                        break;
                    }
                }
                if (newline && !atEnd() && sql.charAt(pos) == '\'') {
                    pos++;
                    continue;
                }
                pos = save;
                return b.toString();
            }
            if (c == '\\' && escapes) {
                if (warnBackslash && escapeStringWarning && !warned) {
                    warned = true;
                    char n = peek(1);
                    String msg;
                    String hint;
                    if (n == '\\') {
                        msg = "nonstandard use of \\\\ in a string literal";
                        hint = "Use the escape string syntax for backslashes, e.g., E'\\\\'.";
                    } else if (n == '\'') {
                        msg = "nonstandard use of \\' in a string literal";
                        hint = "Use '' to write quotes in strings, or use the escape string syntax (E'...').";
                    } else {
                        msg = "nonstandard use of escape in a string literal";
                        hint = "Use the escape string syntax for escapes, e.g., E'\\r\\n'.";
                    }
                    notices.accept(new PgException(ErrorSeverity.WARNING, SqlState.NONSTANDARD_USE_OF_ESCAPE_CHARACTER,
                            msg, null, hint, position(sql, start), null, null));
                }
                pos++;
                if (atEnd()) continue;
                char e = sql.charAt(pos);
                switch (e) {
                    case 'b' -> { b.append('\b'); pos++; }
                    case 'f' -> { b.append('\f'); pos++; }
                    case 'n' -> { b.append('\n'); pos++; }
                    case 'r' -> { b.append('\r'); pos++; }
                    case 't' -> { b.append('\t'); pos++; }
                    case 'x' -> {
                        int v = 0;
                        int n = 0;
                        pos++;
                        while (n < 2 && !atEnd() && Character.digit(sql.charAt(pos), 16) >= 0) {
                            v = v * 16 + Character.digit(sql.charAt(pos), 16);
                            pos++;
                            n++;
                        }
                        if (n == 0) b.append('x');
                        else b.append((char) v);
                    }
                    case 'u', 'U' -> {
                        int len = e == 'u' ? 4 : 8;
                        pos++;
                        if (pos + len > sql.length()) throw error("invalid Unicode escape", pos - 2);
                        int cp;
                        try {
                            cp = Integer.parseInt(sql.substring(pos, pos + len), 16);
                        } catch (NumberFormatException ex) {
                            throw error("invalid Unicode escape", pos - 2)
                                    .withHint("Unicode escapes must be \\uXXXX or \\UXXXXXXXX.");
                        }
                        pos += len;
                        b.appendCodePoint(cp);
                    }
                    default -> {
                        if (e >= '0' && e <= '7') {
                            int v = 0;
                            int n = 0;
                            while (n < 3 && !atEnd() && sql.charAt(pos) >= '0' && sql.charAt(pos) <= '7') {
                                v = v * 8 + (sql.charAt(pos) - '0');
                                pos++;
                                n++;
                            }
                            b.append((char) (v & 0xff));
                        } else {
                            b.append(e);
                            pos++;
                        }
                    }
                }
                continue;
            }
            b.append(c);
            pos++;
        }
    }

    private Token stringToken(int start, boolean escapes, boolean nonstandard) {
        String s = quotedBody(start, escapes || nonstandard, nonstandard);
        if (s.indexOf('\0') >= 0) {
            throw PgException.error(SqlState.CHARACTER_NOT_IN_REPERTOIRE, "invalid byte sequence for encoding \"UTF8\": 0x00");
        }
        return new Token(TokenKind.SCONST, s, start, pos, null);
    }

    private String unicodeEscapes(String raw, int start) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (i + 1 < raw.length() && raw.charAt(i + 1) == '\\') {
                b.append('\\');
                i++;
            } else if (i + 5 <= raw.length() && isHex(raw, i + 1, 4)) {
                b.appendCodePoint(Integer.parseInt(raw.substring(i + 1, i + 5), 16));
                i += 4;
            } else if (i + 8 <= raw.length() && raw.charAt(i + 1) == '+' && isHex(raw, i + 2, 6)) {
                b.appendCodePoint(Integer.parseInt(raw.substring(i + 2, i + 8), 16));
                i += 7;
            } else {
                throw error("invalid Unicode escape", start)
                        .withHint("Unicode escapes must be \\XXXX or \\+XXXXXX.");
            }
        }
        return b.toString();
    }

    private static boolean isHex(String s, int from, int n) {
        if (from + n > s.length()) return false;
        for (int i = from; i < from + n; i++) {
            if (Character.digit(s.charAt(i), 16) < 0) return false;
        }
        return true;
    }

    /** $tag$...$tag$, or null when the $ does not start a dollar quote. */
    private Token dollarString(int start) {
        int i = start + 1;
        while (i < sql.length() && sql.charAt(i) != '$') {
            char c = sql.charAt(i);
            if (!(isIdentStart(c) || (i > start + 1 && isDigit(c)))) return null;
            i++;
        }
        if (i >= sql.length()) return null;
        String tag = sql.substring(start, i + 1);
        int bodyStart = i + 1;
        int close = sql.indexOf(tag, bodyStart);
        if (close < 0) {
            pos = sql.length();
            throw error("unterminated dollar-quoted string at or near \"" + sql.substring(start) + "\"", start);
        }
        pos = close + tag.length();
        return new Token(TokenKind.SCONST, sql.substring(bodyStart, close), start, pos, null);
    }
}
