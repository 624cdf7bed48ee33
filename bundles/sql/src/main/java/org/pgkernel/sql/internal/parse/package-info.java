/** The recursive-descent parser from tokens to the raw parse tree, with PostgreSQL's syntax errors. */
package org.pgkernel.sql.internal.parse;
