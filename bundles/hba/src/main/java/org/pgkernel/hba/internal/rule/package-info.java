/** pg_hba.conf and pg_ident.conf lines parsed into rules, and the matching of a connection or a user mapping against them (cf. hba.c parse_hba_line(), check_hba(), check_usermap()). */
package org.pgkernel.hba.internal.rule;
