package org.pgkernel.itests;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An external program (a bin/ tool of the distribution, psql, pgbench) run with a deadline.
 * Output goes to files rather than pipes, so a chatty program never blocks on a full pipe and
 * a hung one never blocks the test: after its deadline it is killed and the test fails.
 *
 * <p>The environment is scrubbed of libpq's PG* variables (a developer's PGHOST or
 * PGOPTIONS must not change what a test connects to) and runs in the C locale, so psql and
 * pgbench print their untranslated messages.
 */
final class Command {
    /** What a finished program left: exit code, standard output, standard error. */
    record Result(int code, String stdout, String stderr) {
        /** Both streams, for assertion messages. */
        String output() { return stdout + stderr; }

        @Override
        public String toString() { return "exit code " + code + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr; }
    }

    /** A program started in the background (e.g. a pg_ctl stop that waits for sessions to end). */
    static final class Running {
        private final String name;
        private final Process process;
        private final Path out;
        private final Path err;

        private Running(String name, Process process, Path out, Path err) {
            this.name = name;
            this.process = process;
            this.out = out;
            this.err = err;
        }

        boolean isAlive() { return process.isAlive(); }

        /** Waits for the program to end; kills it and fails after {@code timeout}. */
        Result await(Duration timeout) throws IOException, InterruptedException {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError(name + " did not finish within " + timeout.toSeconds() + " s\n--- stdout\n"
                        + read(out) + "--- stderr\n" + read(err));
            }
            Result r = new Result(process.exitValue(), read(out), read(err));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return r;
        }
    }

    private Command() { }

    static Result run(Duration timeout, List<String> command) throws IOException, InterruptedException {
        return start(command).await(timeout);
    }

    static Running start(List<String> command) throws IOException {
        Path out = Files.createTempFile("pgkernel-it-out", ".txt");
        Path err = Files.createTempFile("pgkernel-it-err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("PG"));
        env.put("LC_ALL", "C");
        env.remove("LANG");
        env.remove("LANGUAGE");
        return new Running(Path.of(command.getFirst()).getFileName().toString(), pb.start(), out, err);
    }

    private static String read(Path p) throws IOException {
        return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    }
}
