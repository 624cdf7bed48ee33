package org.pgkernel.hba.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.pgkernel.hba.api.ConnectionRequest;
import org.pgkernel.hba.api.HbaMatch;
import org.pgkernel.hba.api.HbaRuleRow;
import org.pgkernel.hba.api.HbaService;
import org.pgkernel.hba.api.IdentRow;
import org.pgkernel.hba.api.RoleOracle;
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
 * resolves against the data directory). When pg_hba.conf cannot be loaded, the postmaster is
 * told to fail its start-up with FATAL "could not load …", as PostgreSQL refuses to start
 * then; the service stays registered and refuses every connection with that FATAL (a server
 * already running whose hba bundle is restarted onto a broken file lets nobody in, rather
 * than admitting by stale rules).
 */
@Component(service = {HbaService.class, org.pgkernel.kernel.spi.ConfigReloadListener.class})
public class HbaComponent implements HbaService, org.pgkernel.kernel.spi.ConfigReloadListener {
    private static final Logger LOG = LoggerFactory.getLogger(HbaComponent.class);

    private final HbaConfiguration config;
    private final PgException loadFailure;

    @Activate
    public HbaComponent(@Reference(name = "postmaster") Postmaster postmaster) {
        HbaConfiguration c = null;
        PgException failure = null;
        try {
            c = new HbaConfiguration(file(postmaster, "hba_file", "pg_hba.conf"), file(postmaster, "ident_file", "pg_ident.conf"),
                    () -> sslOn(postmaster.settings()), Slf4jConfigReport.INSTANCE, HostResolver.SYSTEM,
                    LocalInterfaces.SYSTEM);
        } catch (PgException e) {
            failure = e;
            postmaster.failStartup(e);
        }
        this.config = c;
        this.loadFailure = failure;
    }

    private HbaConfiguration config() {
        if (config == null) throw loadFailure;
        return config;
    }

    /** SIGHUP / pg_reload_conf(): re-read pg_hba.conf and pg_ident.conf, keeping the old rules on errors. */
    @Override
    public void configurationReloaded() {
        if (config != null) config.reload();
    }

    @Override public HbaMatch match(ConnectionRequest request) { return config().match(request); }

    @Override public boolean reload() { return config().reload(); }

    @Override public List<HbaRuleRow> rules() { return config().rules(); }

    @Override public List<HbaRuleRow> rules(Predicate<String> methodAvailable) { return config().rules(methodAvailable); }

    @Override public List<IdentRow> identMappings() { return config().identMappings(); }

    @Override
    public boolean identMatches(String mapName, String systemUser, String pgRole) {
        return config().identMatches(mapName, systemUser, pgRole);
    }

    @Override
    public boolean identMatches(String mapName, String systemUser, String pgRole, RoleOracle roles, boolean caseInsensitive) {
        return config().identMatches(mapName, systemUser, pgRole, roles, caseInsensitive);
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
