/** The SQL lexer: PostgreSQL's lexical rules (scan.l) with character positions for error cursors. */
package org.pgkernel.sql.internal.lex;
