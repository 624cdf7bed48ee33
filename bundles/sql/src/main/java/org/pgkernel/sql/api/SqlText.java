package org.pgkernel.sql.api;

import java.util.List;
import org.pgkernel.sql.internal.lex.Lexer;
import org.pgkernel.sql.internal.lex.Token;
import org.pgkernel.sql.internal.lex.TokenKind;

/**
 * Statement text as it may be written to the server log. DESIGN §8: no password reaches a
 * log, so the string after PASSWORD in CREATE/ALTER ROLE (and anything written where a
 * statement cannot be lexed) is replaced before a statement is logged.
 */
public final class SqlText {
    private SqlText() { }

    /** What replaces a password literal. */
    public static final String MASK = "'********'";

    /**
     * {@code sql} with every string literal that follows the key word PASSWORD replaced by
     * {@value #MASK}; a statement that does not lex and mentions a password at all is replaced
     * as a whole, since its literals cannot be told apart.
     */
    public static String redactPasswords(String sql) {
        if (sql == null || !containsIgnoreCase(sql, "password")) return sql;
        List<Token> tokens;
        try {
            tokens = Lexer.lex(sql);
        } catch (RuntimeException e) { // a PgException for bad input
            return "<statement not shown: it may hold a password>";
        }
        StringBuilder out = new StringBuilder(sql.length());
        int copied = 0;
        for (int i = 0; i + 1 < tokens.size(); i++) {
            Token t = tokens.get(i);
            Token next = tokens.get(i + 1);
            if (t.kind() == TokenKind.IDENT && t.keyword() != null && t.value().equals("password")
                    && next.kind() == TokenKind.SCONST) {
                out.append(sql, copied, next.start()).append(MASK);
                copied = next.end();
            }
        }
        return out.append(sql, copied, sql.length()).toString();
    }

    private static boolean containsIgnoreCase(String s, String word) {
        for (int i = 0; i + word.length() <= s.length(); i++) {
            if (s.regionMatches(true, i, word, 0, word.length())) return true;
        }
        return false;
    }
}
