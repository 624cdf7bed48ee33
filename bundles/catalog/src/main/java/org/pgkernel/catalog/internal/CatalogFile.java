package org.pgkernel.catalog.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.pgkernel.catalog.api.Database;
import org.pgkernel.catalog.api.Membership;
import org.pgkernel.catalog.api.Role;

/**
 * The file {@code global/pg_shared_catalog}: the whole shared catalog in one UTF-8 text file,
 * one record a line (the format is drawn in the module README). One file, so that a change
 * touching several tables (DROP ROLE takes its memberships along) is one atomic rename.
 *
 * <p>Writing (cf. durable_rename() in fd.c): the new content goes to
 * {@code pg_shared_catalog.tmp}, which is fsynced, renamed over the old file, and then the
 * directory is fsynced so that the rename itself survives a crash. A failure before the
 * rename leaves the old file as it was; the temporary file is removed (and any stale one is
 * overwritten by the next write).
 *
 * <p>Reading is strict: a line that does not parse makes the whole file unreadable
 * ({@link CorruptFileException} names the line), because a catalog silently missing a role
 * is worse than a server that does not start.
 */
final class CatalogFile {
    static final String NAME = "pg_shared_catalog";
    static final String MAGIC = "pgkernel-shared-catalog";
    static final int FORMAT = 1;

    private CatalogFile() { }

    /** A line of the file that does not parse. */
    static final class CorruptFileException extends IOException {
        private static final long serialVersionUID = 1L;

        CorruptFileException(Path file, int line, String what) {
            super("invalid line " + line + " in file \"" + file + "\": " + what);
        }
    }

    // ------------------------------------------------------------------ writing

    static String format(CatalogState s) {
        StringBuilder b = new StringBuilder();
        b.append("# pgkernel shared catalog: pg_authid, pg_auth_members and pg_database until they are tables.\n");
        b.append("# Written by the server, atomically; do not edit while it runs.\n");
        b.append(MAGIC).append(' ').append(FORMAT).append('\n');
        b.append("version ").append(s.version).append('\n');
        b.append("next-oid ").append(s.nextOid).append('\n');
        List<Role> roles = new ArrayList<>(s.roles);
        roles.sort((x, y) -> Integer.compareUnsigned(x.oid(), y.oid()));
        for (Role r : roles) {
            b.append("role ").append(Integer.toUnsignedString(r.oid())).append(' ').append(quote(r.name()));
            if (r.superuser()) b.append(" superuser");
            if (r.inherit()) b.append(" inherit");
            if (r.createRole()) b.append(" createrole");
            if (r.createDb()) b.append(" createdb");
            if (r.login()) b.append(" login");
            if (r.replication()) b.append(" replication");
            if (r.bypassRls()) b.append(" bypassrls");
            b.append(" connlimit=").append(r.connLimit());
            if (r.password() != null) b.append(" password=").append(quote(r.password()));
            if (r.validUntil() != null) b.append(" valid-until=").append(instant(r.validUntil()));
            b.append('\n');
        }
        for (Membership m : s.memberships) {
            b.append("member ").append(Integer.toUnsignedString(m.roleId())).append(' ')
                    .append(Integer.toUnsignedString(m.member())).append(" grantor=")
                    .append(Integer.toUnsignedString(m.grantor()));
            if (m.adminOption()) b.append(" admin");
            b.append('\n');
        }
        List<Database> dbs = new ArrayList<>(s.databases);
        dbs.sort((x, y) -> Integer.compareUnsigned(x.oid(), y.oid()));
        for (Database d : dbs) {
            b.append("database ").append(Integer.toUnsignedString(d.oid())).append(' ').append(quote(d.name()))
                    .append(" owner=").append(Integer.toUnsignedString(d.ownerOid()))
                    .append(" encoding=").append(quote(d.encoding()))
                    .append(" collate=").append(quote(d.collate()))
                    .append(" ctype=").append(quote(d.ctype()));
            if (d.isTemplate()) b.append(" template");
            if (d.allowConnections()) b.append(" allowconn");
            b.append(" connlimit=").append(d.connLimit()).append('\n');
        }
        return b.toString();
    }

    /**
     * Writes {@code s} as the file {@code dir/pg_shared_catalog}, durably and atomically. On an
     * IOException before the rename the old file is untouched. {@link DirectorySyncException}
     * means the rename happened but the directory could not be fsynced.
     */
    static void write(Path dir, CatalogState s, boolean sync) throws IOException {
        Path file = dir.resolve(NAME);
        Path tmp = dir.resolve(NAME + ".tmp");
        byte[] content = format(s).getBytes(StandardCharsets.UTF_8);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) ch.write(buf);
                if (sync) ch.force(true);
            }
            setOwnerOnly(tmp);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("could not rename file \"" + tmp + "\" to \"" + file + "\": " + e.getMessage(), e);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the next write truncates it; nothing reads it
            }
            throw e;
        }
        if (sync) {
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException e) {
                throw new DirectorySyncException(dir, e);
            }
        }
    }

    /** The rename is done but the directory's fsync failed: the change may not survive a crash. */
    static final class DirectorySyncException extends IOException {
        private static final long serialVersionUID = 1L;

        DirectorySyncException(Path dir, IOException cause) {
            super("could not fsync directory \"" + dir + "\": " + cause.getMessage(), cause);
        }
    }

    private static void setOwnerOnly(Path p) {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | UnsupportedOperationException ignored) {
            // not a POSIX file system: the data directory's own mode protects it
        }
    }

    // ------------------------------------------------------------------ reading

    /** Reads {@code dir/pg_shared_catalog}; NoSuchFileException when it is not there. */
    static CatalogState read(Path dir) throws IOException {
        Path file = dir.resolve(NAME);
        return parse(file, Files.readString(file, StandardCharsets.UTF_8));
    }

    static CatalogState parse(Path file, String text) throws IOException {
        long version = -1;
        long nextOid = -1;
        boolean magic = false;
        List<Role> roles = new ArrayList<>();
        List<Membership> members = new ArrayList<>();
        List<Database> dbs = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            if (line.isBlank() || line.startsWith("#")) continue;
            int lineNo = n + 1;
            List<String> t;
            try {
                t = tokens(line);
            } catch (IllegalArgumentException e) {
                throw new CorruptFileException(file, lineNo, e.getMessage());
            }
            try {
                if (!magic) {
                    if (t.size() != 2 || !t.get(0).equals(MAGIC)) throw new IllegalArgumentException("not a shared catalog file");
                    if (!t.get(1).equals(Integer.toString(FORMAT))) {
                        throw new IllegalArgumentException("unsupported format " + t.get(1));
                    }
                    magic = true;
                    continue;
                }
                switch (t.get(0)) {
                    case "version" -> version = Long.parseLong(single(t));
                    case "next-oid" -> nextOid = Long.parseLong(single(t));
                    case "role" -> roles.add(role(t));
                    case "member" -> members.add(member(t));
                    case "database" -> dbs.add(database(t));
                    default -> throw new IllegalArgumentException("unknown record \"" + t.get(0) + "\"");
                }
            } catch (IllegalArgumentException | IndexOutOfBoundsException | DateTimeParseException e) {
                throw new CorruptFileException(file, lineNo, e.getMessage() == null ? e.toString() : e.getMessage());
            }
        }
        if (!magic) throw new CorruptFileException(file, lines.length, "not a shared catalog file");
        if (version < 0 || nextOid < 0) throw new CorruptFileException(file, lines.length, "version or next-oid missing");
        try {
            return new CatalogState(version, nextOid, roles, dbs, members);
        } catch (IllegalArgumentException e) {
            throw new CorruptFileException(file, lines.length, e.getMessage());
        }
    }

    private static String single(List<String> t) {
        if (t.size() != 2) throw new IllegalArgumentException("expected one value after \"" + t.get(0) + "\"");
        return t.get(1);
    }

    /** The fields after the record type and its positional values: flags and key=value pairs. */
    private static final class Fields {
        final Set<String> flags = new HashSet<>();
        final java.util.Map<String, String> values = new java.util.HashMap<>();

        Fields(List<String> t, int from, Set<String> allowedFlags, Set<String> allowedKeys) {
            for (String f : t.subList(from, t.size())) {
                int eq = f.indexOf('=');
                if (eq > 0 && allowedKeys.contains(f.substring(0, eq))) {
                    if (values.put(f.substring(0, eq), unquote(f.substring(eq + 1))) != null) {
                        throw new IllegalArgumentException("\"" + f.substring(0, eq) + "\" given twice");
                    }
                } else if (allowedFlags.contains(f)) {
                    flags.add(f);
                } else {
                    throw new IllegalArgumentException("unknown field \"" + f + "\"");
                }
            }
        }

        String required(String key) {
            String v = values.get(key);
            if (v == null) throw new IllegalArgumentException("\"" + key + "\" missing");
            return v;
        }
    }

    private static final Set<String> ROLE_FLAGS = Set.of("superuser", "inherit", "createrole", "createdb", "login",
            "replication", "bypassrls");
    private static final Set<String> ROLE_KEYS = Set.of("connlimit", "password", "valid-until");

    private static Role role(List<String> t) {
        int oid = oid(t.get(1));
        String name = unquote(t.get(2));
        Fields f = new Fields(t, 3, ROLE_FLAGS, ROLE_KEYS);
        String vu = f.values.get("valid-until");
        return new Role(oid, name, f.flags.contains("superuser"), f.flags.contains("inherit"), f.flags.contains("createrole"),
                f.flags.contains("createdb"), f.flags.contains("login"), f.flags.contains("replication"),
                f.flags.contains("bypassrls"), Integer.parseInt(f.required("connlimit")), f.values.get("password"),
                vu == null ? null : parseInstant(vu));
    }

    private static Membership member(List<String> t) {
        Fields f = new Fields(t, 3, Set.of("admin"), Set.of("grantor"));
        return new Membership(oid(t.get(1)), oid(t.get(2)), oid(f.required("grantor")), f.flags.contains("admin"));
    }

    private static Database database(List<String> t) {
        Fields f = new Fields(t, 3, Set.of("template", "allowconn"), Set.of("owner", "encoding", "collate", "ctype", "connlimit"));
        return new Database(oid(t.get(1)), unquote(t.get(2)), oid(f.required("owner")), f.required("encoding"),
                f.required("collate"), f.required("ctype"), f.flags.contains("template"), f.flags.contains("allowconn"),
                Integer.parseInt(f.required("connlimit")));
    }

    private static int oid(String s) {
        if (s.startsWith("\"")) throw new IllegalArgumentException("invalid OID " + s);
        return Integer.parseUnsignedInt(s);
    }

    static String instant(Instant i) {
        if (i.equals(Instant.MAX)) return "infinity";
        if (i.equals(Instant.MIN)) return "-infinity";
        return i.toString();
    }

    static Instant parseInstant(String s) {
        return switch (s) {
            case "infinity" -> Instant.MAX;
            case "-infinity" -> Instant.MIN;
            default -> Instant.parse(s);
        };
    }

    // ------------------------------------------------------------------ tokens

    /**
     * A quoted string: '"', then the characters with {@code \\}, {@code \"}, {@code \n},
     * {@code \r}, {@code \t} and {@code \}{@code uXXXX} escapes, then '"'. Control characters
     * are always escaped, so one record is always one line.
     */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }

    /** The value of a token: a quoted string unescaped, anything else as it is. */
    static String unquote(String token) {
        if (!token.startsWith("\"")) return token;
        if (token.length() < 2 || !token.endsWith("\"")) throw new IllegalArgumentException("unterminated quoted string");
        StringBuilder b = new StringBuilder();
        for (int i = 1; i < token.length() - 1; i++) {
            char c = token.charAt(i);
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (++i >= token.length() - 1) throw new IllegalArgumentException("bad escape at the end of a quoted string");
            char e = token.charAt(i);
            switch (e) {
                case '"', '\\' -> b.append(e);
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    if (i + 4 >= token.length()) throw new IllegalArgumentException("bad \\u escape");
                    b.append((char) Integer.parseInt(token.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> throw new IllegalArgumentException("bad escape \\" + e);
            }
        }
        return b.toString();
    }

    /** Splits a line at spaces outside quoted strings; a token keeps its quotes (key="v" stays whole). */
    static List<String> tokens(String line) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == ' ') {
                i++;
                continue;
            }
            int start = i;
            boolean quoted = false;
            while (i < line.length()) {
                char d = line.charAt(i);
                if (quoted) {
                    if (d == '\\') i++;
                    else if (d == '"') quoted = false;
                } else if (d == '"') {
                    quoted = true;
                } else if (d == ' ') {
                    break;
                }
                i++;
            }
            if (quoted) throw new IllegalArgumentException("unterminated quoted string");
            out.add(line.substring(start, Math.min(i, line.length())));
        }
        return out;
    }

    /** Whether the file exists (a missing one at activation means an old or broken data directory). */
    static boolean exists(Path dir) {
        return Files.exists(dir.resolve(NAME));
    }

    static NoSuchFileException missing(Path dir) {
        return new NoSuchFileException(dir.resolve(NAME).toString());
    }
}
