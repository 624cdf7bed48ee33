package org.pgkernel.catalog.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.pgkernel.catalog.api.SharedCatalog;
import org.pgkernel.kernel.api.Postmaster;

/**
 * Registers {@link SharedCatalog} once the postmaster is there, over its data directory's
 * global/. When the catalog file cannot be read, activation fails (FATAL, logged by SCR) and
 * there is no service: the backend, which requires it, accepts no connection.
 */
@Component(service = SharedCatalog.class)
public final class CatalogComponent extends GlobalCatalog {

    @Activate
    public CatalogComponent(@Reference(name = "postmaster") Postmaster postmaster) {
        super(postmaster.dataDirectory().toAbsolutePath().normalize().resolve("global"));
    }
}
