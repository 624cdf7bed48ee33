package org.pgkernel.sql.internal.lex;

/** The token kinds of scan.l that the grammar distinguishes. */
public enum TokenKind {
    /** An identifier or keyword; {@link Token#keyword()} tells which. */
    IDENT,
    /** An integer literal that fits in int4 (ICONST). */
    ICONST,
    /** Any other numeric literal (FCONST): decimal, exponent, or an integer too big for int4. */
    FCONST,
    /** A string literal after escape processing (SCONST); also dollar-quoted strings. */
    SCONST,
    /** A bit-string literal B'..' (BCONST) or X'..' (XCONST); value holds the raw digits. */
    BCONST,
    XCONST,
    /** $n (PARAM). */
    PARAM,
    /** An operator (Op), possibly one character; "!=" arrives as "<>". */
    OP,
    /** "::" */
    TYPECAST,
    /** ":=" */
    COLON_EQUALS,
    /** "=>" */
    EQUALS_GREATER,
    /** One of , ( ) [ ] . ; : */
    PUNCT,
    EOF
}
