package org.pgkernel.kernel.spi;

/**
 * Told after the postmaster reloaded the configuration (SIGHUP, pg_reload_conf()), e.g. the
 * hba bundle re-reads pg_hba.conf. Called on the postmaster's thread: must not block long.
 */
public interface ConfigReloadListener {
    void configurationReloaded();
}
