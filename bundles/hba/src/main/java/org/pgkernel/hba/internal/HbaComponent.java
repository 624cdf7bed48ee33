package org.pgkernel.hba.internal;

import java.nio.file.Path;
import org.pgkernel.hba.api.HbaService;
import org.pgkernel.hba.internal.file.Slf4jConfigReport;
import org.pgkernel.hba.internal.rule.HostResolver;
import org.pgkernel.hba.internal.rule.LocalInterfaces;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.Postmaster;
import org.pgkernel.kernel.spi.guc.GucRegistry;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MarkerFactory;

/**
 * Registers {@link HbaService} once the postmaster is there: hba_file and ident_file come from
 * its settings (empty means the data directory's pg_hba.conf / pg_ident.conf; a relative path
 * resolves against the data directory). When pg_hba.conf cannot be loaded, activation fails
 * with FATAL "could not load …" and no service is registered: no client can connect, as
 * PostgreSQL refuses to start in that case.
 */
@Component(service = {HbaService.class, org.pgkernel.kernel.spi.ConfigReloadListener.class})
public class HbaComponent extends HbaConfiguration implements org.pgkernel.kernel.spi.ConfigReloadListener {

    /** SIGHUP / pg_reload_conf(): re-read pg_hba.conf and pg_ident.conf, keeping the old rules on errors. */
    @Override
    public void configurationReloaded() {
        reload();
    }

    private static final Logger LOG = LoggerFactory.getLogger(HbaComponent.class);

    @Activate
    public HbaComponent(@Reference(name = "postmaster") Postmaster postmaster) {
        super(file(postmaster, "hba_file", "pg_hba.conf"), file(postmaster, "ident_file", "pg_ident.conf"),
                () -> sslOn(postmaster.settings()), Slf4jConfigReport.INSTANCE, HostResolver.SYSTEM,
                LocalInterfaces.SYSTEM);
    }

    static Path file(Postmaster postmaster, String setting, String defaultName) {
        Path dataDir = postmaster.dataDirectory().toAbsolutePath().normalize();
        String value;
        try {
            value = postmaster.settings().value(setting);
        } catch (PgException e) {
            value = "";
        }
        if (value == null || value.isEmpty()) {
            return dataDir.resolve(defaultName);
        }
        return dataDir.resolve(value).normalize();
    }

    static boolean sslOn(GucRegistry settings) {
        try {
            return "on".equalsIgnoreCase(settings.value("ssl"));
        } catch (PgException e) {
            return false;
        } catch (RuntimeException e) {
            LOG.warn(MarkerFactory.getMarker("WARNING"), "could not read \"ssl\": {}", e.getMessage());
            return false;
        }
    }
}
