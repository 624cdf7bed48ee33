package org.pgkernel.launcher;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code pgkernel}: the friendly front door. Alone, it initialises ./data when it does not
 * exist (superuser = the OS user, trust on loopback) and runs the server in the foreground
 * with the Felix (Gogo) console on the terminal.
 */
final class FrontDoor {
    private FrontDoor() { }

    static int run(String[] args) {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-?"))) {
            System.out.println("pgkernel runs a pgkernel server in the foreground with the Felix console.");
            System.out.println();
            System.out.println("Usage:");
            System.out.println("  pgkernel [-D DATADIR] [postgres options]   initialise DATADIR (default ./data) if absent, then run");
            System.out.println("  pgkernel --version");
            return 0;
        }
        if (args.length > 0 && args[0].equals("--version")) {
            System.out.println("pgkernel " + Distribution.PGKERNEL_VERSION + " (PostgreSQL " + Distribution.PG_VERSION + ")");
            return 0;
        }
        String data = "data";
        for (int i = 0; i + 1 < args.length; i++) if (args[i].equals("-D")) data = args[i + 1];
        Path dir = Path.of(data).toAbsolutePath();
        if (!Files.exists(dir.resolve("PG_VERSION"))) {
            int rc = InitDb.run(new String[] {"-D", dir.toString(), "-U", System.getProperty("user.name"), "-A", "trust"});
            if (rc != 0) return rc;
        }
        java.util.List<String> pgArgs = new java.util.ArrayList<>(java.util.List.of(args));
        if (!pgArgs.contains("-D")) {
            pgArgs.add("-D");
            pgArgs.add(dir.toString());
        }
        return PostgresCommand.run(pgArgs.toArray(String[]::new), true);
    }
}
