package org.pgkernel.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code initdb}: creates a data directory as PostgreSQL's initdb does, from the templates
 * in the distribution's config/ directory: PG_VERSION, postgresql.conf, pg_hba.conf,
 * pg_ident.conf, postgresql.auto.conf, global/ (pg_control, the role list), base/, pg_wal/,
 * pg_xact/, log/. Options, messages and exit codes follow PostgreSQL's initdb.
 */
final class InitDb {
    private InitDb() { }

    static int run(String[] args) {
        String dataDir = null, user = System.getProperty("user.name"), auth = null, authHost = null, authLocal = null;
        String pwfile = null, encoding = "UTF8", locale = "C";
        boolean noSync = false, pwprompt = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = null;
            if (a.startsWith("--") && a.contains("=")) {
                v = a.substring(a.indexOf('=') + 1);
                a = a.substring(0, a.indexOf('='));
            }
            switch (a) {
                case "--help", "-?" -> {
                    System.out.print(help());
                    return 0;
                }
                case "--version", "-V" -> {
                    System.out.println("initdb (PostgreSQL) " + Distribution.PG_VERSION);
                    return 0;
                }
                case "-D", "--pgdata" -> dataDir = v != null ? v : next(args, ++i);
                case "-U", "--username" -> user = v != null ? v : next(args, ++i);
                case "-A", "--auth" -> {
                    auth = v != null ? v : next(args, ++i);
                    String[] both = authBoth(auth);
                    authLocal = both[0];
                    authHost = both[1];
                }
                case "--auth-host" -> authHost = v != null ? v : next(args, ++i);
                case "--auth-local" -> authLocal = v != null ? v : next(args, ++i);
                case "--pwfile" -> pwfile = v != null ? v : next(args, ++i);
                case "-E", "--encoding" -> encoding = v != null ? v : next(args, ++i);
                case "--locale", "--lc-collate", "--lc-ctype", "--lc-messages", "--lc-monetary", "--lc-numeric", "--lc-time" -> {
                    String l = v != null ? v : next(args, ++i);
                    if (a.equals("--locale")) locale = l;
                }
                case "--no-locale" -> locale = "C";
                case "-N", "--no-sync" -> noSync = true;
                case "-W", "--pwprompt" -> pwprompt = true;
                case "-k", "--data-checksums", "-n", "--no-clean", "-s", "--show", "--no-instructions" -> { }
                default -> {
                    if (a.startsWith("-D") && a.length() > 2) { dataDir = a.substring(2); break; }
                    if (a.startsWith("-U") && a.length() > 2) { user = a.substring(2); break; }
                    if (a.startsWith("-A") && a.length() > 2) {
                        auth = a.substring(2);
                        String[] both = authBoth(auth);
                        authLocal = both[0];
                        authHost = both[1];
                        break;
                    }
                    if (a.startsWith("-E") && a.length() > 2) { encoding = a.substring(2); break; }
                    if (!a.startsWith("-") && dataDir == null) { dataDir = a; break; }
                    System.err.println("initdb: error: unrecognized option: " + a);
                    System.err.println("initdb: hint: Try \"initdb --help\" for more information.");
                    return 1;
                }
            }
        }
        if (dataDir == null) dataDir = System.getenv("PGDATA");
        if (dataDir == null || dataDir.isEmpty()) {
            System.err.println("initdb: error: no data directory specified");
            System.err.println("initdb: hint: You must identify the directory where the data for this database system will reside.  Do this with either the invocation option -D or the environment variable PGDATA.");
            return 1;
        }
        if (user == null || user.isEmpty()) {
            System.err.println("initdb: error: superuser name must not be empty");
            return 1;
        }
        if (user.startsWith("pg_")) {
            System.err.println("initdb: error: superuser name \"" + user + "\" is disallowed; role names cannot begin with \"pg_\"");
            return 1;
        }
        if (pwprompt && pwfile != null) {
            System.err.println("initdb: error: password prompt and password file cannot be specified together");
            return 1;
        }
        // cf. check_authmethod_unspecified(): what is not given is trust, with a warning at the end
        boolean authWarning = authLocal == null || authHost == null;
        String hostMethod = authHost != null ? authHost : "trust";
        String localMethod = authLocal != null ? authLocal : "trust";
        if (!validMethod(localMethod, LOCAL_METHODS)) {
            System.err.println("initdb: error: invalid authentication method \"" + localMethod + "\" for \"local\" connections");
            return 1;
        }
        if (!validMethod(hostMethod, HOST_METHODS)) {
            System.err.println("initdb: error: invalid authentication method \"" + hostMethod + "\" for \"host\" connections");
            return 1;
        }
        // cf. check_need_password(): only when both kinds of connection would need one
        if (pwfile == null && !pwprompt && needsPassword(hostMethod) && needsPassword(localMethod)) {
            System.err.println("initdb: error: must specify a password for the superuser to enable password authentication");
            return 1;
        }
        String enc = encoding.toUpperCase(java.util.Locale.ROOT).replace("-", "");
        if (!List.of("UTF8", "SQL_ASCII", "LATIN1").contains(enc)) {
            System.err.println("initdb: error: \"" + encoding + "\" is not a valid server encoding name");
            return 1;
        }
        Path dir = Path.of(dataDir).toAbsolutePath().normalize();
        try {
            if (Files.exists(dir)) {
                boolean empty;
                try (Stream<Path> s = Files.list(dir)) {
                    empty = s.findAny().isEmpty();
                }
                if (!empty) {
                    System.err.println("initdb: error: directory \"" + dataDir + "\" exists but is not empty");
                    System.err.println("initdb: hint: If you want to create a new database system, either remove or empty the directory \"" + dataDir + "\" or run initdb with an argument other than \"" + dataDir + "\".");
                    return 1;
                }
            }
            String password = null;
            if (pwfile != null) {
                String content;
                try {
                    content = Files.readString(Path.of(pwfile), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    System.err.println("initdb: error: could not open file \"" + pwfile + "\" for reading: " + reason(e));
                    return 1;
                }
                if (content.isEmpty()) {
                    System.err.println("initdb: error: password file \"" + pwfile + "\" is empty");
                    return 1;
                }
                int eol = content.indexOf('\n');
                password = stripCrLf(eol < 0 ? content : content.substring(0, eol));
            } else if (pwprompt) {
                password = promptPassword();
                if (password == null) return 1;
            }
            System.out.println("The files belonging to this database system will be owned by user \"" + System.getProperty("user.name") + "\".");
            System.out.println("This user must also own the server process.");
            System.out.println();
            System.out.println("The database cluster will be initialized with locale \"" + locale + "\".");
            System.out.println("The default text search configuration will be set to \"english\".");
            System.out.println();
            System.out.println("Data page checksums are disabled.");
            System.out.println();
            System.out.print("creating directory " + dataDir + " ... ");
            Files.createDirectories(dir);
            setMode(dir, "rwx------");
            System.out.println("ok");
            System.out.print("creating subdirectories ... ");
            for (String sub : List.of("global", "base", "base/1", "base/4", "base/5", "pg_wal", "pg_wal/archive_status", "pg_xact",
                    "pg_stat", "pg_stat_tmp", "pg_notify", "pg_subtrans", "pg_multixact", "pg_logical", "pg_tblspc",
                    "pg_replslot", "pg_snapshots", "pg_twophase", "pg_commit_ts", "pg_dynshmem", "pg_serial", "log")) {
                Files.createDirectories(dir.resolve(sub));
                setMode(dir.resolve(sub), "rwx------");
            }
            System.out.println("ok");
            System.out.println("selecting dynamic shared memory implementation ... posix");
            System.out.println("selecting default max_connections ... 100");
            System.out.println("selecting default shared_buffers ... 128MB");
            System.out.println("selecting default time zone ... " + java.time.ZoneId.systemDefault().getId());
            System.out.print("creating configuration files ... ");
            Path templates = Distribution.home().resolve("config");
            String tz = java.time.ZoneId.systemDefault().getId();
            if (tz.equals("Z") || tz.equals("GMT") || tz.equals("Etc/UTC")) tz = "Etc/UTC";
            String conf = Files.readString(templates.resolve("postgresql.conf"), StandardCharsets.UTF_8)
                    .replace("@TIMEZONE@", tz).replace("@LOCALE@", locale);
            write(dir.resolve("postgresql.conf"), conf);
            // cf. setup_config(): the template's tokens, and the trust caution when either method is trust
            String hba = Files.readString(templates.resolve("pg_hba.conf"), StandardCharsets.UTF_8)
                    .replace("@authmethodlocal@", localMethod).replace("@authmethodhost@", hostMethod)
                    .replace("@authcomment@", hostMethod.equals("trust") || localMethod.equals("trust")
                            ? "\n# CAUTION: Configuring the system for local \"trust\" authentication\n# allows any local user to connect as any PostgreSQL user, including\n# the database superuser.  If you do not trust all your local users,\n# use another authentication method.\n" : "");
            write(dir.resolve("pg_hba.conf"), hba);
            write(dir.resolve("pg_ident.conf"), Files.readString(templates.resolve("pg_ident.conf"), StandardCharsets.UTF_8));
            write(dir.resolve("postgresql.auto.conf"), "# Do not edit this file manually!\n# It will be overwritten by the ALTER SYSTEM command.\n");
            write(dir.resolve("PG_VERSION"), Distribution.PG_MAJOR + "\n");
            write(dir.resolve("base/1/PG_VERSION"), Distribution.PG_MAJOR + "\n");
            System.out.println("ok");
            System.out.print("running bootstrap script ... ");
            // roles and databases until the catalog tables exist, written by the catalog bundle's own code
            writeSharedCatalog(dir.resolve("global"), user, password, enc, locale, !noSync);
            writeControlFile(dir);
            System.out.println("ok");
            System.out.println("performing post-bootstrap initialization ... ok");
            if (!noSync) {
                System.out.print("syncing data to disk ... ");
                syncTree(dir);
                System.out.println("ok");
            } else {
                System.out.println();
                System.out.println("Sync to disk skipped.");
                System.out.println("The data directory might become corrupt if the operating system crashes.");
            }
            System.out.println();
            if (authWarning) {
                System.out.flush();
                System.err.println("initdb: warning: enabling \"trust\" authentication for local connections");
                System.err.println("initdb: hint: You can change this by editing pg_hba.conf or using the option -A, or --auth-local and --auth-host, the next time you run initdb.");
                System.out.println();
            }
            System.out.println("Success. You can now start the database server using:");
            System.out.println();
            System.out.println("    pg_ctl -D " + dataDir + " -l logfile start");
            System.out.println();
            return 0;
        } catch (CatalogWriteException e) {
            System.err.println("initdb: error: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            System.err.println("initdb: error: could not create directory \"" + dataDir + "\": " + e.getMessage());
            return 1;
        }
    }

    /** The shared catalog could not be written; the message says why, as PostgreSQL's would. */
    private static final class CatalogWriteException extends IOException {
        private static final long serialVersionUID = 1L;

        CatalogWriteException(String message, Throwable cause) { super(message, cause); }
    }

    private static boolean needsPassword(String m) { return m.equals("md5") || m.equals("password") || m.equals("scram-sha-256"); }

    /** The methods initdb accepts for each kind of line (cf. auth_methods_local / auth_methods_host). */
    private static final List<String> LOCAL_METHODS = List.of("trust", "reject", "scram-sha-256", "md5", "password", "peer",
            "radius", "pam", "ldap");
    private static final List<String> HOST_METHODS = List.of("trust", "reject", "scram-sha-256", "md5", "password", "ident",
            "radius", "gss", "pam", "ldap", "cert");

    /** check_authmethod_valid(): a listed method, possibly followed by a space and options. */
    private static boolean validMethod(String m, List<String> valid) {
        int sp = m.indexOf(' ');
        return valid.contains(sp < 0 ? m : m.substring(0, sp));
    }

    /** -A: both methods, except that ident is peer for local lines and peer is ident for host lines. */
    private static String[] authBoth(String m) {
        if (m.equals("ident")) return new String[] {"peer", "ident"};
        if (m.equals("peer")) return new String[] {"peer", "ident"};
        return new String[] {m, m};
    }

    private static String stripCrLf(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) end--;
        return s.substring(0, end);
    }

    private static String reason(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) return "No such file or directory";
        if (e instanceof java.nio.file.AccessDeniedException) return "Permission denied";
        return e.getMessage();
    }

    /**
     * -W: the password twice, without echo, from the terminal (simple_prompt()); from standard
     * input when there is no terminal. Null (after the message) when the two differ.
     */
    private static String promptPassword() throws IOException {
        java.io.Console console = System.console();
        String first;
        String second;
        if (console != null && console.isTerminal()) {
            char[] a = console.readPassword("Enter new superuser password: ");
            char[] b = console.readPassword("Enter it again: ");
            first = a == null ? "" : new String(a);
            second = b == null ? "" : new String(b);
        } else {
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8));
            System.err.print("Enter new superuser password: ");
            System.err.flush();
            first = in.readLine();
            System.err.print("\nEnter it again: ");
            System.err.flush();
            second = in.readLine();
            System.err.println();
            if (first == null) first = "";
            if (second == null) second = "";
        }
        if (!first.equals(second)) {
            System.err.println("Passwords didn't match.");
            return null;
        }
        return first;
    }

    /**
     * Writes DATADIR/global's shared catalog (the superuser with its password, the predefined
     * roles, template1, template0, postgres) with the catalog bundle's own code: the
     * distribution's bundles/catalog.jar (with bundles/kernel.jar for the kernel types it names)
     * in a class loader of its own, and its initdb entry called by reflection with JDK types
     * only. So the file is written by exactly the code the server reads it with, and the
     * launcher stays free of bundle code on its class path.
     */
    private static void writeSharedCatalog(Path globalDir, String user, String password, String encoding, String locale,
                                           boolean sync) throws IOException {
        Path bundles = Distribution.home().resolve("bundles");
        java.net.URL[] urls = {bundles.resolve("catalog.jar").toUri().toURL(), bundles.resolve("kernel.jar").toUri().toURL()};
        try (java.net.URLClassLoader loader = new java.net.URLClassLoader("pgkernel-catalog", urls, InitDb.class.getClassLoader())) {
            Class<?> bootstrap = Class.forName("org.pgkernel.catalog.internal.CatalogBootstrap", true, loader);
            bootstrap.getMethod("initdb", Path.class, String.class, String.class, String.class, String.class, boolean.class)
                    .invoke(null, globalDir, user, password, encoding, locale, sync);
        } catch (java.lang.reflect.InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new CatalogWriteException("could not write file \"" + globalDir.resolve("pg_shared_catalog") + "\": "
                    + (cause instanceof IOException io ? reason(io) : String.valueOf(cause)), cause);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new CatalogWriteException("could not load the shared catalog code from \"" + bundles.resolve("catalog.jar")
                    + "\": " + e, e);
        }
    }

    private static String next(String[] args, int i) {
        if (i >= args.length) {
            System.err.println("initdb: error: option requires an argument");
            System.exit(1);
        }
        return args[i];
    }

    /** The initial pg_control: a cluster that was shut down cleanly (see the kernel's ControlFile). */
    private static void writeControlFile(Path dir) throws IOException {
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(512);
        bb.putInt(0, 0x70676B31).putInt(4, 1).putLong(8, System.currentTimeMillis());
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bb.array(), 0, 16);
        bb.putInt(16, (int) crc.getValue());
        Files.write(dir.resolve("global/pg_control"), bb.array());
        setMode(dir.resolve("global/pg_control"), "rw-------");
    }

    private static void write(Path p, String content) throws IOException {
        Files.writeString(p, content, StandardCharsets.UTF_8);
        setMode(p, "rw-------");
    }

    private static void setMode(Path p, String mode) {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        } catch (IOException | UnsupportedOperationException ignored) {
            // not a POSIX file system: nothing to tighten
        }
    }

    private static void syncTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(p)) {
                    try (var ch = java.nio.channels.FileChannel.open(p, java.nio.file.StandardOpenOption.WRITE)) {
                        ch.force(true);
                    }
                }
            }
        }
    }

    static String help() {
        return """
                initdb initializes a PostgreSQL database cluster.

                Usage:
                  initdb [OPTION]... [DATADIR]

                Options:
                  -A, --auth=METHOD         default authentication method for local connections
                      --auth-host=METHOD    default authentication method for local TCP/IP connections
                      --auth-local=METHOD   default authentication method for local-socket connections
                 [-D, --pgdata=]DATADIR     location for this database cluster
                  -E, --encoding=ENCODING   set default encoding for new databases
                      --locale=LOCALE       set default locale for new databases
                      --no-locale           equivalent to --locale=C
                      --pwfile=FILE         read password for the new superuser from file
                  -U, --username=NAME       database superuser name
                  -W, --pwprompt            prompt for a password for the new superuser

                Less commonly used options:
                  -N, --no-sync             do not wait for changes to be written safely to disk

                Other options:
                  -V, --version             output version information, then exit
                  -?, --help                show this help, then exit

                If the data directory is not specified, the environment variable PGDATA
                is used.

                Report bugs to <pgsql-bugs@lists.postgresql.org>.
                PostgreSQL home page: <https://www.postgresql.org/>
                """;
    }
}
