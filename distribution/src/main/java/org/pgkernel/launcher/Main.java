package org.pgkernel.launcher;

/**
 * Entry point of the launcher jar: {@code Main postgres|initdb|pgkernel ARGS...}. The bin/
 * scripts exec the JVM with this class, so the JVM's pid is the tool's pid (postmaster.pid
 * holds it, signals reach it).
 */
public final class Main {
    private Main() { }

    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: Main postgres|initdb|pgkernel [ARGS...]");
            System.exit(2);
        }
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        int code = switch (args[0]) {
            case "postgres" -> PostgresCommand.run(rest, false);
            case "initdb" -> InitDb.run(rest);
            case "pgkernel" -> FrontDoor.run(rest);
            default -> {
                System.err.println("unknown tool " + args[0]);
                yield 2;
            }
        };
        System.exit(code);
    }
}
