package org.pgkernel.sql.internal.lex;

/**
 * One token: its kind, its value (downcased identifier, processed string, operator text,
 * number text), where it starts and ends in the query string (Java char offsets, end
 * exclusive), and for unquoted identifiers the keyword category (null when not a keyword).
 */
public record Token(TokenKind kind, String value, int start, int end, Keywords.Category keyword) {

    public boolean isKeyword(String kw) { return keyword != null && value.equals(kw); }

    public boolean isPunct(char c) { return kind == TokenKind.PUNCT && value.length() == 1 && value.charAt(0) == c; }

    public boolean isOp(String op) { return kind == TokenKind.OP && value.equals(op); }

    /** An identifier usable as a column/table name (IDENT or an unreserved / column-name keyword). */
    public boolean isColId() {
        return kind == TokenKind.IDENT && (keyword == null || keyword == Keywords.Category.UNRESERVED
                || keyword == Keywords.Category.COL_NAME);
    }

    /** An identifier usable as a function or type name (IDENT, unreserved or type/func-name keyword). */
    public boolean isTypeFunctionName() {
        return kind == TokenKind.IDENT && (keyword == null || keyword == Keywords.Category.UNRESERVED
                || keyword == Keywords.Category.TYPE_FUNC_NAME);
    }

    /** Any identifier or keyword (ColLabel). */
    public boolean isLabel() { return kind == TokenKind.IDENT; }
}
