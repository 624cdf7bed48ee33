package org.pgkernel.itests;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** A server made from the assembled distribution with its own bin/ tools, in a temp directory. */
final class Server implements AutoCloseable {
    static final Path DIST = Path.of(System.getProperty("pgkernel.dist", "../distribution/target/pgkernel")).toAbsolutePath();

    final Path dir;
    final Path data;
    final int port;

    private Server(Path dir, int port) {
        this.dir = dir;
        this.data = dir.resolve("data");
        this.port = port;
    }

    static Server create(String... extraConf) throws Exception {
        Path dir = Files.createTempDirectory("pgkernel-it");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Server srv = new Server(dir, port);
        Result r = srv.tool("initdb", "-D", srv.data.toString(), "-U", "postgres", "-A", "trust", "-N");
        if (r.code != 0) throw new IllegalStateException("initdb failed: " + r.output);
        List<String> conf = new ArrayList<>(List.of("listen_addresses = '127.0.0.1'", "port = " + port,
                "unix_socket_directories = ''", "timezone = 'UTC'", "log_timezone = 'UTC'"));
        conf.addAll(List.of(extraConf));
        Files.writeString(srv.data.resolve("postgresql.conf"), "\n" + String.join("\n", conf) + "\n",
                StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(srv.data.resolve("pg_hba.conf"), "host all all 127.0.0.1/32 trust\n", StandardCharsets.UTF_8);
        return srv;
    }

    Result start() throws Exception {
        return tool("pg_ctl", "-D", data.toString(), "-l", dir.resolve("server.log").toString(), "-w", "-t", "60", "start");
    }

    Result stop(String mode) throws Exception {
        return tool("pg_ctl", "-D", data.toString(), "-m", mode, "-w", "-t", "60", "stop");
    }

    String log() throws IOException { return Files.readString(dir.resolve("server.log"), StandardCharsets.UTF_8); }

    Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", p);
    }

    record Result(int code, String output) { }

    Result tool(String name, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(DIST.resolve("bin").resolve(name).toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(name + " did not finish");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws Exception {
        if (Files.exists(data.resolve("postmaster.pid"))) tool("pg_ctl", "-D", data.toString(), "-m", "immediate", "-w", "stop");
    }
}
