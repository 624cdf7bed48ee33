/** Host-based authentication as the backend asks for it: which pg_hba.conf line a connection matches, pg_ident.conf user maps, and the rows of pg_hba_file_rules and pg_ident_file_mappings. */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.pgkernel.hba.api;
