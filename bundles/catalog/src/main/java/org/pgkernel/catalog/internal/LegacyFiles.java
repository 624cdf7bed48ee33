package org.pgkernel.catalog.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.pgkernel.catalog.api.Database;
import org.pgkernel.catalog.api.Role;
import org.pgkernel.catalog.api.SharedCatalog;

/**
 * The two files an older initdb wrote before this bundle existed: global/pg_auth
 * ({@code "name" oid flags…}, only the superuser) and global/pg_database
 * ({@code "name" oid owner}). Read once to convert such a data directory; never written.
 */
final class LegacyFiles {
    private LegacyFiles() { }

    /** The catalog those files describe (with the predefined roles added), or null when there are none. */
    static CatalogState read(Path dir) {
        List<String[]> auth = lines(dir.resolve("pg_auth"));
        List<String[]> dbLines = lines(dir.resolve("pg_database"));
        if (auth == null || dbLines == null || auth.isEmpty()) return null;
        String superuser = null;
        for (String[] f : auth) {
            if (f.length > 1 && f[1].equals(Integer.toString(SharedCatalog.BOOTSTRAP_SUPERUSER))) superuser = f[0];
        }
        if (superuser == null) return null;
        CatalogState boot = CatalogState.bootstrap(superuser, null, "UTF8", "C");
        List<Role> roles = new ArrayList<>(boot.roles);
        List<Database> dbs = new ArrayList<>();
        for (String[] f : dbLines) {
            if (f.length < 3) continue;
            int oid = Integer.parseInt(f[1]);
            Database template = boot.database(oid);
            dbs.add(template != null ? template
                    : new Database(oid, f[0], Integer.parseInt(f[2]), "UTF8", "C", "C", false, true, -1));
        }
        return new CatalogState(1, SharedCatalog.FIRST_NORMAL_OID, roles, dbs, boot.memberships);
    }

    private static List<String[]> lines(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
        List<String[]> rows = new ArrayList<>();
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
