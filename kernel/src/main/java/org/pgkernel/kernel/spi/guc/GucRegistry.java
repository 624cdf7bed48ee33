package org.pgkernel.kernel.spi.guc;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The server's settings (guc.c): every PostgreSQL 15 setting plus those bundles define,
 * the server-wide values from defaults, postgresql.conf (with include, include_dir,
 * include_if_exists), postgresql.auto.conf and the command line, and the per-session views.
 * Thread-safe. Names are case-insensitive. Errors are {@link org.pgkernel.kernel.api.PgException}s
 * worded as PostgreSQL words them (42704 unrecognized configuration parameter "x",
 * 22023 invalid value for parameter "x": "y", 55P02 parameter "x" cannot be changed without
 * restarting the server, …).
 */
public interface GucRegistry {

    Optional<GucDefinition> find(String name);

    Collection<GucDefinition> definitions();

    /** Adds a bundle's setting (a "prefix.name" as extensions define them). */
    void define(GucDefinition definition);

    /** The server-wide value as SHOW prints it (e.g. "128MB"); throws 42704 for an unknown name. */
    String value(String name);

    /**
     * The server-wide value in the setting's base unit, as pg_settings.setting shows it
     * (e.g. "16384" for shared_buffers = 128MB, in 8kB pages); throws 42704 for an unknown name.
     */
    String baseValue(String name);

    /**
     * A new session's settings, starting from the server-wide values, with the startup
     * packet's parameters and {@code -c} options applied (source "client"). Throws FATAL
     * 42704 / 22023 as PostgreSQL does for bad startup options.
     */
    GucSession newSession(Map<String, String> startupParameters, boolean superuser);

    /**
     * Re-reads the configuration files (SIGHUP). Invalid lines are logged with file and line
     * and leave the old values; restart-only changes are marked pending_restart. Returns
     * true when the files could be read.
     */
    boolean reload();

    /** When the configuration files were last loaded (pg_conf_load_time()). */
    Instant confLoadTime();

    /** pg_file_settings. */
    List<FileSetting> fileSettings();

    /** ALTER SYSTEM SET name = value ({@code value} null: ALTER SYSTEM RESET); writes postgresql.auto.conf atomically. */
    void alterSystem(String name, String value);

    /** A monotonically increasing number bumped by every reload (sessions compare it). */
    long generation();
}
