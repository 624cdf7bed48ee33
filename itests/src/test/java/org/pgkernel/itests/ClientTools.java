package org.pgkernel.itests;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * PostgreSQL's own client programs, the real ones: Debian's PostgreSQL 15 client binaries in
 * {@value #PG15_BIN}, else the first on PATH. A test that needs one and finds none fails
 * with a message saying what to install (.ci/run installs postgresql-client-15).
 */
final class ClientTools {
    static final String PG15_BIN = "/usr/lib/postgresql/15/bin";

    private ClientTools() { }

    static Path psql() { return find("psql"); }

    static Path pgbench() { return find("pgbench"); }

    static Path find(String name) {
        Path debian = Path.of(PG15_BIN, name);
        if (Files.isExecutable(debian)) return debian;
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(File.pathSeparator)) {
                if (d.isEmpty()) continue;
                Path p = Path.of(d, name);
                if (Files.isExecutable(p)) return p;
            }
        }
        return fail(name + " (PostgreSQL 15 client) was found neither at " + debian + " nor on PATH; "
                + "install it (Debian: apt-get install postgresql-client-15)");
    }
}
