/** Reading pg_hba.conf and pg_ident.conf into lines of tokens: quoting, comments, continuations, comma lists, @file expansion and the include directives (cf. hba.c tokenize_auth_file()). */
package org.pgkernel.hba.internal.file;
