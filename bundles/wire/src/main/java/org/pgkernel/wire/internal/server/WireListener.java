package org.pgkernel.wire.internal.server;

import java.nio.file.Path;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.pgkernel.kernel.api.Postmaster;
import org.pgkernel.kernel.spi.ClientListener;
import org.pgkernel.kernel.spi.ConfigReloadListener;
import org.pgkernel.kernel.spi.guc.GucRegistry;
import org.pgkernel.wire.api.ConnectionHandler;

/**
 * The wire bundle's {@link ClientListener}: the postmaster opens and closes the listening
 * sockets through it. Needs the backend's {@link ConnectionHandler} (to hand connections to)
 * and the {@link Postmaster} (for CancelRequests and the lock files' pid and start time).
 * Deactivating the component stops the event loop, which ends every connection of this
 * bundle. As a {@link ConfigReloadListener} it reloads the TLS configuration on SIGHUP
 * (postmaster.c reloads it with pg_hba.conf).
 */
@Component(service = {ClientListener.class, ConfigReloadListener.class})
public final class WireListener implements ClientListener, ConfigReloadListener {
    private final WireServer server;

    @Activate
    public WireListener(@Reference(name = "connections") ConnectionHandler connections,
                        @Reference(name = "postmaster") Postmaster postmaster) {
        this.server = new WireServer(connections, postmaster::cancelRequest, ProcessHandle.current().pid(),
                postmaster.startTime().getEpochSecond());
    }

    @Override
    public Opened open(GucRegistry settings, Path dataDirectory) {
        return server.open(settings::value, dataDirectory);
    }

    @Override
    public void close() {
        server.close();
    }

    /** SIGHUP / pg_reload_conf(): the certificates, keys and ssl_* settings are read again. */
    @Override
    public void configurationReloaded() {
        server.reloadTls();
    }

    @Deactivate
    void deactivate() {
        server.shutdown();
    }
}
