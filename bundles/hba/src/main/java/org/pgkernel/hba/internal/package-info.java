/** The hba service: loads pg_hba.conf and pg_ident.conf from the data directory, keeps them as an immutable snapshot swapped on reload, and registers {@link org.pgkernel.hba.api.HbaService}. */
package org.pgkernel.hba.internal;
