package org.pgkernel.backend.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The roles and databases until the catalog tables exist: global/pg_auth and
 * global/pg_database, one quoted name per line followed by its OID (and for roles, flags),
 * as initdb writes them. Read on each connection (small files, OS-cached).
 */
final class RoleCatalog {
    record Role(String name, int oid, boolean superuser, boolean login) { }

    record Database(String name, int oid) { }

    private RoleCatalog() { }

    static Role role(Path dataDir, String name) {
        for (String[] f : read(dataDir.resolve("global/pg_auth"))) {
            if (f[0].equals(name)) {
                List<String> flags = List.of(f).subList(2, f.length);
                return new Role(f[0], Integer.parseInt(f[1]), flags.contains("superuser"), flags.contains("login"));
            }
        }
        return null;
    }

    static Database database(Path dataDir, String name) {
        for (String[] f : read(dataDir.resolve("global/pg_database"))) {
            if (f[0].equals(name)) return new Database(f[0], Integer.parseInt(f[1]));
        }
        return null;
    }

    private static List<String[]> read(Path file) {
        List<String[]> rows = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return rows;
        }
        for (String line : lines) {
            if (line.isBlank() || !line.startsWith("\"")) continue;
            StringBuilder name = new StringBuilder();
            int i = 1;
            for (; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        name.append('"');
                        i++;
                    } else {
                        break;
                    }
                } else {
                    name.append(c);
                }
            }
            String[] rest = line.substring(Math.min(i + 1, line.length())).trim().split("\\s+");
            String[] f = new String[rest.length + 1];
            f[0] = name.toString();
            System.arraycopy(rest, 0, f, 1, rest.length);
            rows.add(f);
        }
        return rows;
    }
}
