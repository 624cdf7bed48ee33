/** The SQL engine as the backend sees it: sessions that run simple and extended queries. */
@org.osgi.annotation.versioning.Version("0.4.0")
package org.pgkernel.sql.api;
