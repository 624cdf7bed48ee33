/**
 * The shared (cluster-wide) catalog: roles, role memberships and databases — what
 * PostgreSQL keeps in pg_authid, pg_auth_members and pg_database. Until the storage issue
 * lands, the implementation keeps them in a flat file under DATADIR/global written
 * atomically; the storage issue moves it onto those tables behind this same API, without
 * touching its users (the backend, the SQL engine, the authentication bundles).
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.pgkernel.catalog.api;
