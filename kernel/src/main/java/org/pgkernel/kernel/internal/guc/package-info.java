/**
 * Settings (GUCs): the registry behind {@link org.pgkernel.kernel.spi.guc.GucRegistry} and
 * {@link org.pgkernel.kernel.spi.guc.GucSession}.
 *
 * <h2>Purpose</h2>
 * Every PostgreSQL 15 setting is known from the start (settings.tsv, generated once from a
 * real PostgreSQL 15's pg_settings; the generator command is in the file's header), so a
 * postgresql.conf written for PostgreSQL loads and SHOW, SET, pg_settings and
 * pg_file_settings answer as PostgreSQL's do, even before the subsystem that acts on a
 * setting exists. Bundles add "prefix.name" settings with {@code define} and act on values
 * through assign hooks.
 *
 * <h2>PostgreSQL counterpart</h2>
 * src/backend/utils/misc/guc.c (definitions, set_config_option(), the transactional stack
 * push_old_value()/AtEOXact_GUC(), parse_int()/parse_real() and the unit tables,
 * _ShowOption()), guc-file.l (the configuration file lexer, ParseConfigFile(),
 * ProcessConfigFileInternal()), variable.c (the DateStyle, TimeZone and client_encoding
 * check hooks), and ALTER SYSTEM's write of postgresql.auto.conf.
 *
 * <h2>Classes</h2>
 * <ul>
 * <li>{@link org.pgkernel.kernel.internal.guc.ServerSettings}: the server-wide values; the
 *     postmaster creates it with {@code new ServerSettings(dataDirectory, options)}, calls
 *     {@code reload()} on SIGHUP, and {@code postgres -C name} prints
 *     {@code configOption(name)}.</li>
 * <li>{@link org.pgkernel.kernel.internal.guc.SessionSettings}: one session's view, made by
 *     {@code ServerSettings.newSession(startupParameters, superuser)}.</li>
 * <li>{@code ConfigFileParser} (postgresql.conf syntax and includes), {@code GucValues}
 *     (parsing and display), {@code GucUnits} (units), {@code CheckHooks} (the string
 *     settings PostgreSQL canonicalises), {@code GucCatalogue} (settings.tsv),
 *     {@code Setting} (a definition with guc.c's flags).</li>
 * </ul>
 *
 * <h2>Invariants</h2>
 * <ol>
 * <li>A stored value is always valid for its setting: values are parsed and checked before
 *     they replace anything; a value that fails keeps the old one.</li>
 * <li>Source priority decides (cf. GucSource): a command-line value is not overridden by the
 *     configuration files; a session's SET is not overridden by a reload.</li>
 * <li>At server start a bad option or configuration line is FATAL (each problem logged at
 *     LOG first, then {@code configuration file "…" contains errors}, F0000). At reload,
 *     an unknown name or a syntax error applies nothing; an invalid value or a changed
 *     restart-only setting leaves that setting alone (pending_restart) and the rest is
 *     applied, as PostgreSQL logs it.</li>
 * <li>pg_file_settings is a dry run of the files as they are now, as PostgreSQL's view is.</li>
 * <li>postgresql.auto.conf is only ever replaced whole: temporary file, fsync, rename,
 *     fsync of the directory.</li>
 * <li>Whenever log_line_prefix, log_timezone or log_min_messages change server-wide, the
 *     server log is reconfigured ({@code ServerLog.configure}); assign hooks run after each
 *     server-wide change of their setting.</li>
 * <li>A session reports (ParameterStatus) a GUC_REPORT setting whenever its SHOW text
 *     differs from what was last reported, whatever changed it (SET, RESET, a rollback, a
 *     reload).</li>
 * </ol>
 *
 * <h2>Concurrency</h2>
 * ServerSettings is thread-safe: its values are an immutable map replaced whole under the
 * object's monitor (load, reload, define, ALTER SYSTEM); readers do not lock. A
 * SessionSettings belongs to one process (thread) and is not thread-safe; it reads the
 * server's map and adopts a newer one only in {@code reloadFromServer()}, at a point the
 * backend chooses, as a PostgreSQL backend handles SIGHUP between commands.
 */
package org.pgkernel.kernel.internal.guc;
