package org.pgkernel.itests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A server made from the assembled distribution with its own bin/ tools, in a directory of
 * its own (under {@code pgkernel.it.dir}, which failsafe points at target/it-servers, else
 * the temp directory): initdb'd data directory, server.log, and optionally a Unix-socket
 * directory (kept in /tmp: a socket path must fit in 107 bytes).
 *
 * <p>Closing stops the server with an immediate shutdown if it still runs and deletes the
 * bulky Felix cache, keeping the configuration and the log for a post-mortem.
 */
final class Server implements AutoCloseable {
    static final Path DIST = Path.of(System.getProperty("pgkernel.dist", "../distribution/target/pgkernel")).toAbsolutePath();
    static final Duration TOOL_TIMEOUT = Duration.ofSeconds(120);

    final Path dir;
    final Path data;
    final int port;
    /** The Unix-socket directory, or null when the server listens on TCP only. */
    final Path socketDir;

    private Server(Path dir, int port, Path socketDir) {
        this.dir = dir;
        this.data = dir.resolve("data");
        this.port = port;
        this.socketDir = socketDir;
    }

    /** A TCP-only server on 127.0.0.1 and a free port; {@code extraConf} lines go last in postgresql.conf. */
    static Server create(String... extraConf) throws Exception {
        return create(false, extraConf);
    }

    /** As {@link #create(String...)}, also listening on a Unix socket in a fresh directory ({@link #socketDir}). */
    static Server createWithSocket(String... extraConf) throws Exception {
        return create(true, extraConf);
    }

    /**
     * As {@link #create(String...)} (with a Unix socket if {@code unixSocket}), the superuser
     * postgres given {@code superuserPassword} by initdb's --pwfile: a SCRAM-SHA-256 secret, as
     * PostgreSQL's initdb stores it. pg_hba.conf is the same trust file; tests that need
     * passwords write their own.
     */
    static Server createWithSuperuserPassword(String superuserPassword, boolean unixSocket, String... extraConf)
            throws Exception {
        return create(unixSocket, superuserPassword, extraConf);
    }

    private static Server create(boolean unixSocket, String... extraConf) throws Exception {
        return create(unixSocket, null, extraConf);
    }

    private static Server create(boolean unixSocket, String superuserPassword, String... extraConf) throws Exception {
        Path dir = newDirectory();
        Path sock = unixSocket ? Files.createTempDirectory(Path.of("/tmp"), "pgk-sock") : null;
        Server srv = new Server(dir, freePort(), sock);
        List<String> initdb = new ArrayList<>(List.of("-D", srv.data.toString(), "-U", "postgres", "-A", "trust", "-N"));
        if (superuserPassword != null) {
            Path pwfile = dir.resolve("pwfile");
            Files.writeString(pwfile, superuserPassword + "\n", StandardCharsets.UTF_8);
            initdb.add("--pwfile=" + pwfile);
        }
        Result r = srv.tool("initdb", initdb.toArray(String[]::new));
        if (r.code != 0) throw new IllegalStateException("initdb failed: " + r.output);
        List<String> conf = new ArrayList<>(List.of("listen_addresses = '127.0.0.1'", "port = " + srv.port,
                "unix_socket_directories = '" + (sock == null ? "" : sock.toString()) + "'",
                "timezone = 'UTC'", "log_timezone = 'UTC'"));
        conf.addAll(List.of(extraConf));
        srv.appendConf(conf.toArray(String[]::new));
        Files.writeString(srv.data.resolve("pg_hba.conf"), "local all all trust\nhost all all 127.0.0.1/32 trust\n",
                StandardCharsets.UTF_8);
        return srv;
    }

    /** A fresh directory for one server (or one embedded framework). */
    static Path newDirectory() throws IOException {
        String base = System.getProperty("pgkernel.it.dir");
        if (base == null) return Files.createTempDirectory("pgkernel-it");
        Path b = Path.of(base);
        Files.createDirectories(b);
        return Files.createTempDirectory(b, "pgkernel-it");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Appends lines to postgresql.conf; later lines win, as in PostgreSQL. */
    void appendConf(String... lines) throws IOException {
        Files.writeString(data.resolve("postgresql.conf"), "\n" + String.join("\n", lines) + "\n",
                StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    /** Replaces pg_hba.conf by {@code lines}; read at the next start (or reload). */
    void writeHba(String... lines) throws IOException {
        Files.writeString(data.resolve("pg_hba.conf"), String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    Result start() throws Exception {
        return tool("pg_ctl", "-D", data.toString(), "-l", dir.resolve("server.log").toString(), "-w", "-t", "60", "start");
    }

    /** Starts the server and fails, with pg_ctl's output and the server log, when it does not come up. */
    void startOrFail() throws Exception {
        Result r = start();
        if (r.code != 0) throw new AssertionError("pg_ctl start failed: " + r.output + "\n--- server.log\n" + log());
    }

    Result stop(String mode) throws Exception {
        return tool("pg_ctl", "-D", data.toString(), "-m", mode, "-w", "-t", "60", "stop");
    }

    /** {@code pg_ctl stop -w} in the background, for shutdowns that wait on open sessions. */
    Command.Running stopInBackground(String mode) throws IOException {
        return Command.start(List.of(DIST.resolve("bin/pg_ctl").toString(), "-D", data.toString(), "-m", mode,
                "-w", "-t", "60", "stop"));
    }

    boolean isRunning() { return Files.exists(data.resolve("postmaster.pid")); }

    String log() throws IOException {
        Path f = dir.resolve("server.log");
        return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
    }

    Connection connect() throws SQLException {
        return connect(new Properties());
    }

    /** A pgjdbc session as postgres over TCP; {@code props} are pgjdbc connection properties. */
    Connection connect(Properties props) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        // a hung server must fail the test, not hang it
        p.setProperty("connectTimeout", "10");
        p.setProperty("socketTimeout", "60");
        p.putAll(props);
        return DriverManager.getConnection(jdbcUrl(), p);
    }

    String jdbcUrl() { return "jdbc:postgresql://127.0.0.1:" + port + "/postgres"; }

    record Result(int code, String output) { }

    Result tool(String name, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(DIST.resolve("bin").resolve(name).toString());
        cmd.addAll(List.of(args));
        Command.Result r = Command.run(TOOL_TIMEOUT, cmd);
        return new Result(r.code(), r.stdout() + r.stderr());
    }

    @Override
    public void close() throws Exception {
        try {
            if (isRunning()) tool("pg_ctl", "-D", data.toString(), "-m", "immediate", "-w", "stop");
        } finally {
            deleteTree(data.resolve("pg_bundles"));
            if (socketDir != null) deleteTree(socketDir);
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
