package org.pgkernel.launcher;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.pgkernel.logging.ServerLog;
import org.pgkernel.logging.Severity;

/**
 * {@code postgres}: parses PostgreSQL's postmaster options (cf. postmaster.c PostmasterMain()
 * and its getopt string), then boots the Felix framework with every bundle of the
 * distribution; the kernel bundle's activator is the postmaster. Exits with the
 * postmaster's exit code.
 */
final class PostgresCommand {
    private PostgresCommand() { }

    static int run(String[] args, boolean console) {
        Map<String, String> options = new LinkedHashMap<>();
        String dataDir = null;
        String show = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-?")) {
                System.out.print(help());
                return 0;
            }
            if (a.equals("--version") || a.equals("-V")) {
                System.out.println("postgres (PostgreSQL) " + Distribution.PG_VERSION);
                return 0;
            }
            if (a.startsWith("--")) {
                String kv = a.substring(2);
                int eq = kv.indexOf('=');
                if (eq < 0) {
                    if (i + 1 < args.length && !args[i + 1].startsWith("-")) {
                        options.put(kv.replace('-', '_'), args[++i]);
                        continue;
                    }
                    System.err.println("postgres: --" + kv + " requires a value");
                    return 1;
                }
                options.put(kv.substring(0, eq).replace('-', '_'), kv.substring(eq + 1));
                continue;
            }
            if (a.length() < 2 || a.charAt(0) != '-') {
                System.err.println("postgres: invalid argument: \"" + a + "\"");
                System.err.println("Try \"postgres --help\" for more information.");
                return 1;
            }
            char opt = a.charAt(1);
            String val = null;
            if ("BcCDdhkNpSr".indexOf(opt) >= 0) {
                if (a.length() > 2) {
                    val = a.substring(2);
                } else if (i + 1 < args.length) {
                    val = args[++i];
                } else {
                    System.err.println("postgres: option requires an argument -- '" + opt + "'");
                    System.err.println("Try \"postgres --help\" for more information.");
                    return 1;
                }
            }
            switch (opt) {
                case 'B' -> options.put("shared_buffers", val);
                case 'c' -> {
                    int eq = val.indexOf('=');
                    if (eq < 0) {
                        System.err.println("postgres: --" + val + " requires a value");
                        return 1;
                    }
                    options.put(val.substring(0, eq).replace('-', '_'), val.substring(eq + 1));
                }
                case 'C' -> show = val;
                case 'D' -> dataDir = val;
                case 'd' -> options.put("log_min_messages", "debug" + val);
                case 'F' -> options.put("fsync", "off");
                case 'h' -> options.put("listen_addresses", val);
                case 'i' -> options.put("listen_addresses", "*");
                case 'k' -> options.put("unix_socket_directories", val);
                case 'l' -> options.put("ssl", "on");
                case 'N' -> options.put("max_connections", val);
                case 'p' -> options.put("port", val);
                case 'S' -> options.put("work_mem", val);
                case 'r' -> { }
                default -> {
                    System.err.println("postgres: invalid option -- '" + opt + "'");
                    System.err.println("Try \"postgres --help\" for more information.");
                    return 1;
                }
            }
        }
        if (dataDir == null) dataDir = System.getenv("PGDATA");
        if (dataDir == null || dataDir.isEmpty()) {
            System.err.println("postgres does not know where to find the server configuration file.");
            System.err.println("You must specify the --config-file or -D invocation option or set the PGDATA environment variable.");
            return 2;
        }
        Path dir = Path.of(dataDir).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            ServerLog.write(Severity.FATAL, "could not access directory \"" + dir + "\": No such file or directory", null);
            ServerLog.writeExtra("HINT", "Run initdb or pg_basebackup to initialize a PostgreSQL data directory.");
            return 1;
        }
        if (!Files.exists(dir.resolve("PG_VERSION"))) {
            ServerLog.write(Severity.FATAL, "\"" + dir + "\" is not a valid data directory", null);
            ServerLog.writeExtra("DETAIL", "File \"" + dir.resolve("PG_VERSION") + "\" is missing.");
            return 1;
        }
        return boot(dir, options, show == null ? "server" : "show:" + show, console);
    }

    static int boot(Path dataDir, Map<String, String> options, String mode, boolean console) {
        Path home = Distribution.home();
        Map<String, String> fw = new HashMap<>();
        fw.put(Constants.FRAMEWORK_STORAGE, dataDir.resolve("pg_bundles").toString());
        fw.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        fw.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, String.join(",",
                "org.slf4j;version=2.0.17", "org.slf4j.spi;version=2.0.17", "org.slf4j.event;version=2.0.17",
                "org.slf4j.helpers;version=2.0.17", "org.pgkernel.logging;version=0.1.0", "sun.misc"));
        fw.put("felix.log.level", "1");
        fw.put("pgkernel.datadir", dataDir.toString());
        fw.put("pgkernel.datadir.arg", dataDir.toString());
        fw.put("pgkernel.options", joinOptions(options));
        fw.put("pgkernel.mode", mode);
        fw.put("pgkernel.home", home.toString());
        fw.put("felix.fileinstall.dir", home.resolve("deploy").toString());
        fw.put("felix.fileinstall.poll", "1000");
        fw.put("felix.fileinstall.noInitialDelay", "true");
        fw.put("felix.fileinstall.log.level", "1");
        fw.put("felix.fileinstall.filter", ".*\\.jar");
        fw.put("gogo.args", console && mode.equals("server") ? "" : "--nointeractive --noshutdown");
        boolean serverMode = mode.equals("server");
        Framework framework = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"))
                .newFramework(fw);
        try {
            framework.start();
            BundleContext ctx = framework.getBundleContext();
            List<Bundle> installed = new ArrayList<>();
            File[] jars = home.resolve("bundles").toFile().listFiles((d, n) -> n.endsWith(".jar"));
            if (jars == null) jars = new File[0];
            java.util.Arrays.sort(jars);
            for (File jar : jars) {
                String name = jar.getName();
                if (!serverMode && !name.equals("kernel.jar")) continue;
                // the interactive shell reads stdin and stops the framework at EOF: only with a console
                if (!console && name.startsWith("org.apache.felix.gogo.shell")) continue;
                installed.add(ctx.installBundle(jar.toURI().toString()));
            }
            // the kernel last: every service it waits for is then already on its way
            installed.sort((a, b) -> Boolean.compare(a.getSymbolicName().equals("org.pgkernel.kernel"),
                    b.getSymbolicName().equals("org.pgkernel.kernel")));
            for (Bundle b : installed) {
                if (b.getHeaders().get(Constants.FRAGMENT_HOST) != null) continue;
                try {
                    b.start();
                } catch (BundleException e) {
                    ServerLog.write(Severity.WARNING, "could not start bundle \"" + b.getSymbolicName() + "\": " + e.getMessage(), null);
                }
            }
            framework.waitForStop(0);
        } catch (BundleException | InterruptedException | RuntimeException e) {
            ServerLog.write(Severity.FATAL, "could not start the OSGi framework: " + e, null);
            return 1;
        }
        String code = System.getProperty("pgkernel.exitcode", "0");
        return Integer.parseInt(code);
    }

    private static String joinOptions(Map<String, String> options) {
        StringBuilder sb = new StringBuilder();
        for (var e : options.entrySet()) {
            if (!sb.isEmpty()) sb.append('\u0001');
            sb.append(e.getKey()).append('=').append(e.getValue());
        }
        return sb.toString();
    }

    static String help() {
        return """
                postgres is the PostgreSQL server (pgkernel %s).

                Usage:
                  postgres [OPTION]...

                Options:
                  -B NBUFFERS        number of shared buffers
                  -c NAME=VALUE      set run-time parameter
                  -C NAME            print value of run-time parameter, then exit
                  -d 1-5             debugging level
                  -D DATADIR         database directory
                  -F                 turn fsync off
                  -h HOSTNAME        host name or IP address to listen on
                  -i                 enable TCP/IP connections (deprecated)
                  -k DIRECTORY       Unix-domain socket location
                  -l                 enable SSL connections
                  -N MAX-CONNECT     maximum number of allowed connections
                  -p PORT            port number to listen on
                  -s                 show statistics after each query
                  -S WORK-MEM        set amount of memory for sorts (in kB)
                  -V, --version      output version information, then exit
                  --NAME=VALUE       set run-time parameter
                  -?, --help         show this help, then exit

                Please read the documentation for the complete list of run-time
                configuration settings and how to set them on the command line or in
                the configuration file.

                Report bugs to <pgsql-bugs@lists.postgresql.org>.
                PostgreSQL home page: <https://www.postgresql.org/>
                """.formatted(Distribution.PGKERNEL_VERSION);
    }

}
