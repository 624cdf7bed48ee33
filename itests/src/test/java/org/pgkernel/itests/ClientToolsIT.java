package org.pgkernel.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL's own clients against the assembled distribution: psql over TCP and over the
 * Unix socket, a psql script with errors in verbose mode, and pgbench with eight clients.
 * One server for the class (TCP and a Unix socket).
 */
class ClientToolsIT {
    private static Server srv;

    @BeforeAll
    static void start() throws Exception {
        srv = Server.createWithSocket();
        srv.startOrFail();
    }

    @AfterAll
    static void stop() throws Exception {
        if (srv != null) srv.close();
    }

    private static Command.Result psql(String host, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ClientTools.psql().toString(), "-X", "-At", "-h", host,
                "-p", Integer.toString(srv.port), "-U", "postgres", "-d", "postgres"));
        cmd.addAll(List.of(args));
        return Command.run(Duration.ofSeconds(60), cmd);
    }

    /**
     * client_encoding LATIN1: psql's bytes are converted to the server's UTF8 and back, and a
     * character LATIN1 cannot carry is 22P05 worded as PostgreSQL words it.
     */
    @Test
    void psql_in_latin1_gets_its_characters_converted() throws Exception {
        java.nio.file.Path script = java.nio.file.Files.createTempFile("latin1", ".sql");
        java.nio.file.Files.write(script, ("\\set VERBOSITY verbose\n"
                + "SELECT length('caf\u00e9'), 'caf\u00e9' = U&'caf\\00E9', current_setting('client_encoding');\n"
                + "SELECT E'\\u20AC';\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/env", "PGCLIENTENCODING=LATIN1", ClientTools.psql().toString(),
                "-X", "-At", "-h", "127.0.0.1", "-p", Integer.toString(srv.port), "-U", "postgres", "-d", "postgres",
                "-f", script.toString()));
        Command.Result r = Command.run(Duration.ofSeconds(60), cmd);
        assertEquals("4|t|LATIN1\n", r.stdout(), r.toString());
        assertEquals("psql:" + script + ":3: ERROR:  22P05: character with byte sequence 0xe2 0x82 0xac in encoding "
                + "\"UTF8\" has no equivalent in encoding \"LATIN1\"\n", r.stderr(), r.toString());
    }

    @Test
    void psql_runs_select_1_over_tcp() throws Exception {
        Command.Result r = psql("127.0.0.1", "-c", "SELECT 1");
        assertEquals(0, r.code(), r.toString());
        assertEquals("1\n", r.stdout(), r.toString());
        assertEquals("", r.stderr(), r.toString());
    }

    @Test
    void psql_runs_select_1_over_the_unix_socket() throws Exception {
        assertTrue(Files.exists(srv.socketDir.resolve(".s.PGSQL." + srv.port)), "socket file in " + srv.socketDir);
        Command.Result r = psql(srv.socketDir.toString(), "-c", "SELECT 1");
        assertEquals(0, r.code(), r.toString());
        assertEquals("1\n", r.stdout(), r.toString());
        assertEquals("", r.stderr(), r.toString());
        // and the session really is a local one: no client address
        Command.Result addr = psql(srv.socketDir.toString(), "-c", "SELECT inet_server_addr() IS NULL, inet_server_port() IS NULL");
        assertEquals("t|t\n", addr.stdout(), addr.toString());
    }

    @Test
    void a_psql_script_reports_each_error_with_its_sqlstate_and_goes_on() throws Exception {
        Path script = srv.dir.resolve("errors.sql");
        Files.writeString(script, String.join("\n",
                "\\set VERBOSITY verbose",
                "SELECT 1;",
                "SELECT 1/0;",
                "SELECT 2;",
                "SELEC 3;",
                "SELECT 4;") + "\n", StandardCharsets.UTF_8);
        Command.Result r = psql("127.0.0.1", "-f", script.toString());
        assertEquals(0, r.code(), r.toString());
        assertEquals("1\n2\n4\n", r.stdout(), r.toString());
        // what PostgreSQL 15 prints, less its LOCATION lines (C source positions)
        String expected = String.join("\n",
                "psql:" + script + ":3: ERROR:  22012: division by zero",
                "psql:" + script + ":5: ERROR:  42601: syntax error at or near \"SELEC\"",
                "LINE 1: SELEC 3;",
                "        ^") + "\n";
        String stderr = r.stderr().lines().filter(l -> !l.startsWith("LOCATION:  "))
                .collect(Collectors.joining("\n", "", "\n"));
        assertEquals(expected, stderr, r.toString());
    }

    @Test
    void a_psql_script_stops_at_the_first_error_with_on_error_stop() throws Exception {
        Path script = srv.dir.resolve("stop.sql");
        Files.writeString(script, "SELECT 1;\nSELECT 1/0;\nSELECT 2;\n", StandardCharsets.UTF_8);
        Command.Result r = psql("127.0.0.1", "-v", "ON_ERROR_STOP=1", "-v", "VERBOSITY=verbose", "-f", script.toString());
        assertEquals(3, r.code(), r.toString());
        assertEquals("1\n", r.stdout(), r.toString());
        assertTrue(r.stderr().startsWith("psql:" + script + ":2: ERROR:  22012: division by zero\n"), r.toString());
    }

    @Test
    void pgbench_runs_eight_clients_for_five_seconds_without_a_failed_transaction() throws Exception {
        Path script = srv.dir.resolve("select1.sql");
        Files.writeString(script, "SELECT 1;\n", StandardCharsets.UTF_8);
        Command.Result r = Command.run(Duration.ofSeconds(60), List.of(ClientTools.pgbench().toString(), "-n",
                "-f", script.toString(), "-c", "8", "-j", "2", "-T", "5",
                "-h", "127.0.0.1", "-p", Integer.toString(srv.port), "-U", "postgres", "postgres"));
        assertEquals(0, r.code(), r.toString());
        assertEquals("0", field(r.stdout(), "number of failed transactions: (\\d+)"), r.toString());
        long processed = Long.parseLong(field(r.stdout(), "number of transactions actually processed: (\\d+)"));
        assertTrue(processed > 0, r.toString());
        assertEquals("8", field(r.stdout(), "number of clients: (\\d+)"), r.toString());
        assertTrue(!r.stderr().contains("error") && !r.stderr().contains("FATAL"), r.toString());
    }

    /** The messages of the server log's lines of one severity ("LOG", "WARNING" …), without the line prefix. */
    private static List<String> logMessages(String log, String severity) {
        String tag = " " + severity + ":  ";
        return log.lines().filter(l -> l.contains(tag)).map(l -> l.substring(l.indexOf(tag) + tag.length())).toList();
    }

    @Test
    void the_server_log_says_at_startup_what_postgresql_says() throws Exception {
        String version;
        try (var c = srv.connect(); var s = c.createStatement(); var rs = s.executeQuery("SELECT version()")) {
            rs.next();
            version = rs.getString(1);
        }
        List<String> startup = new ArrayList<>();
        for (String m : logMessages(srv.log(), "LOG")) {
            startup.add(m.startsWith("database system was shut down at ") ? "database system was shut down at …" : m);
            if (m.equals("database system is ready to accept connections")) break;
        }
        // PostgreSQL 15, started the same way (see its log): each socket once, after the version
        assertEquals(List.of(
                "starting " + version,
                "listening on IPv4 address \"127.0.0.1\", port " + srv.port,
                "listening on Unix socket \"" + srv.socketDir.resolve(".s.PGSQL." + srv.port) + "\"",
                "database system was shut down at …",
                "database system is ready to accept connections"), startup);
    }

    @Test
    void a_session_over_the_unix_socket_leaves_no_warning_in_the_server_log() throws Exception {
        int before = srv.log().length();
        Command.Result r = psql(srv.socketDir.toString(), "-c", "SELECT 1");
        assertEquals(0, r.code(), r.toString());
        // the backend has logged whatever it logs by the time it answered; PostgreSQL logs nothing
        String after = srv.log().substring(before);
        assertEquals(List.of(), logMessages(after, "WARNING"), after);
    }

    @Test
    void a_failed_statement_is_logged_with_its_text() throws Exception {
        int before = srv.log().length();
        Command.Result r = psql("127.0.0.1", "-c", "SELECT 1/0");
        assertEquals(1, r.code(), r.toString());
        // log_min_messages = warning and log_min_error_statement = error, PostgreSQL's defaults
        String after = Await.value("the error in the server log", Duration.ofSeconds(5), () -> {
            String l = srv.log().substring(before);
            return l.contains("STATEMENT:  ") ? Optional.of(l) : Optional.empty();
        });
        List<String> lines = after.lines().map(l -> l.replaceFirst("^.*?\\] ", "")).toList();
        int i = lines.indexOf("ERROR:  division by zero");
        assertTrue(i >= 0 && i + 1 < lines.size() && lines.get(i + 1).equals("STATEMENT:  SELECT 1/0"), after);
    }

    private static String field(String text, String regex) {
        Matcher m = Pattern.compile("(?m)^" + regex).matcher(text);
        if (!m.find()) throw new AssertionError("no line matching \"" + regex + "\" in:\n" + text);
        return m.group(1);
    }
}
