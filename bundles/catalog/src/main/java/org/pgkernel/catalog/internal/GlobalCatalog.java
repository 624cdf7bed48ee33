package org.pgkernel.catalog.internal;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import org.pgkernel.catalog.api.Database;
import org.pgkernel.catalog.api.Membership;
import org.pgkernel.catalog.api.Role;
import org.pgkernel.catalog.api.SharedCatalog;
import org.pgkernel.kernel.api.ErrorSeverity;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.SqlState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

/**
 * {@link SharedCatalog} over the directory DATADIR/global: the file is read once, into an
 * immutable {@link CatalogState}; every change builds the next state off to the side, writes
 * it ({@link CatalogFile#write}: temp file, fsync, rename, directory fsync) and only then
 * publishes it with one volatile store. So a reader sees the old state or the new one, and a
 * change nobody could make durable is never seen.
 *
 * <p>Changes are serialized by one lock, held across the write (milliseconds: the file is
 * small). Readers never take it. Nothing else is mutable.
 *
 * <p>Failures: a change that cannot be written is ERROR 58030 and leaves both the file and
 * the published state as they were. When the rename succeeded but the directory could not be
 * fsynced the new state is on disk but maybe not durable: that is a PANIC, as PostgreSQL's
 * fsync failures are (data_sync_retry = off); the state is published first, because the
 * file already has it.
 */
public class GlobalCatalog implements SharedCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(GlobalCatalog.class);
    /** The server log's marker for FATAL (org.pgkernel.logging.ServerLog.FATAL). */
    private static final Marker FATAL = MarkerFactory.getMarker("FATAL");

    private final Path dir;
    private final boolean sync;
    private final ReentrantLock changeLock = new ReentrantLock();
    private volatile CatalogState state;

    /**
     * Opens the catalog in {@code globalDir} (DATADIR/global). A data directory made before
     * this file existed (global/pg_auth and global/pg_database from an older initdb) is
     * converted once.
     *
     * @throws PgException FATAL when the file is missing, unreadable or corrupt
     */
    public GlobalCatalog(Path globalDir) {
        this(globalDir, true);
    }

    GlobalCatalog(Path globalDir, boolean sync) {
        this.dir = globalDir;
        this.sync = sync;
        this.state = load(globalDir, sync);
    }

    /** Logs a FATAL activation error as the server log shows errors (SCR logs it again, with its stack). */
    private static PgException fatal(PgException e) {
        LOG.error(FATAL, "{}", e.getMessage());
        return e;
    }

    private static CatalogState load(Path dir, boolean sync) {
        Path file = dir.resolve(CatalogFile.NAME);
        try {
            return CatalogFile.read(dir);
        } catch (NoSuchFileException e) {
            CatalogState legacy = LegacyFiles.read(dir);
            if (legacy == null) {
                throw fatal(new PgException(ErrorSeverity.FATAL, SqlState.UNDEFINED_FILE,
                        "could not open file \"" + file + "\": No such file or directory", null, null, 0, null, e));
            }
            try {
                CatalogFile.write(dir, legacy, sync);
            } catch (IOException w) {
                throw fatal(new PgException(ErrorSeverity.FATAL, SqlState.IO_ERROR,
                        "could not write file \"" + file + "\": " + w.getMessage(), null, null, 0, null, w));
            }
            LOG.info("converted global/pg_auth and global/pg_database into \"{}\"", file);
            return legacy;
        } catch (IOException e) {
            throw fatal(new PgException(ErrorSeverity.FATAL, SqlState.DATA_CORRUPTED,
                    "could not read file \"" + file + "\": " + e.getMessage(), null, null, 0, null, e));
        }
    }

    // ================================================================== reads

    CatalogState state() { return state; }

    @Override public Optional<Role> role(String name) { return Optional.ofNullable(state.role(name)); }

    @Override public Optional<Role> role(int oid) { return Optional.ofNullable(state.role(oid)); }

    @Override public List<Role> roles() { return state.roles; }

    @Override public Optional<Database> database(String name) { return Optional.ofNullable(state.database(name)); }

    @Override public Optional<Database> database(int oid) { return Optional.ofNullable(state.database(oid)); }

    @Override public List<Database> databases() { return state.databases; }

    @Override public List<Membership> memberships() { return state.memberships; }

    @Override public long version() { return state.version; }

    @Override
    public boolean isMemberOf(String role, String group) {
        CatalogState s = state;
        Role r = s.role(role);
        Role g = s.role(group);
        return r != null && g != null && s.isMemberOf(r.oid(), g.oid());
    }

    // ================================================================== changes

    /** Builds, writes and publishes the next state under the change lock. */
    private CatalogState change(UnaryOperator<CatalogState> step) {
        changeLock.lock();
        try {
            CatalogState next = step.apply(state);
            if (next == state) return next;
            try {
                CatalogFile.write(dir, next, sync);
            } catch (CatalogFile.DirectorySyncException e) {
                state = next;
                throw new PgException(ErrorSeverity.PANIC, SqlState.IO_ERROR, e.getMessage(), null, null, 0, null, e);
            } catch (IOException e) {
                throw new PgException(ErrorSeverity.ERROR, SqlState.IO_ERROR,
                        "could not write file \"" + dir.resolve(CatalogFile.NAME) + "\": " + e.getMessage(),
                        null, null, 0, null, e);
            }
            state = next;
            return next;
        } finally {
            changeLock.unlock();
        }
    }

    private static Role requireRole(CatalogState s, String name) {
        Role r = s.role(name);
        if (r == null) throw PgException.error(SqlState.UNDEFINED_OBJECT, "role \"%s\" does not exist", name);
        return r;
    }

    @Override
    public Role createRole(Role spec) {
        Role[] created = new Role[1];
        change(s -> {
            if (s.role(spec.name()) != null) {
                throw PgException.error(SqlState.DUPLICATE_OBJECT, "role \"%s\" already exists", spec.name());
            }
            long[] oid = s.allocateOid();
            Role r = new Role((int) oid[0], spec.name(), spec.superuser(), spec.inherit(), spec.createRole(), spec.createDb(),
                    spec.login(), spec.replication(), spec.bypassRls(), spec.connLimit(), spec.password(), spec.validUntil());
            List<Role> roles = new ArrayList<>(s.roles);
            roles.add(r);
            created[0] = r;
            return s.withRoles(roles, s.memberships, oid[1]);
        });
        return created[0];
    }

    @Override
    public Role alterRole(Role spec) {
        change(s -> {
            Role old = s.role(spec.oid());
            if (old == null) {
                throw PgException.error(SqlState.UNDEFINED_OBJECT, "role with OID %s does not exist",
                        Integer.toUnsignedString(spec.oid()));
            }
            Role clash = s.role(spec.name());
            if (clash != null && clash.oid() != spec.oid()) {
                throw PgException.error(SqlState.DUPLICATE_OBJECT, "role \"%s\" already exists", spec.name());
            }
            if (old.equals(spec)) return s;
            List<Role> roles = new ArrayList<>(s.roles);
            roles.remove(old);
            roles.add(spec);
            return s.withRoles(roles, s.memberships, s.nextOid);
        });
        return spec;
    }

    @Override
    public void dropRole(String name) {
        change(s -> {
            Role r = requireRole(s, name);
            List<String> owned = new ArrayList<>();
            List<Database> dbs = new ArrayList<>(s.databases);
            dbs.sort((x, y) -> Integer.compareUnsigned(x.oid(), y.oid()));
            for (Database d : dbs) {
                if (d.ownerOid() == r.oid()) owned.add("owner of database " + d.name());
            }
            if (!owned.isEmpty()) {
                throw PgException.error(SqlState.DEPENDENT_OBJECTS_STILL_EXIST,
                        "role \"%s\" cannot be dropped because some objects depend on it", name)
                        .withDetail(String.join("\n", owned));
            }
            List<Role> roles = new ArrayList<>(s.roles);
            roles.remove(r);
            List<Membership> members = new ArrayList<>();
            for (Membership m : s.memberships) {
                if (m.roleId() != r.oid() && m.member() != r.oid()) members.add(m);
            }
            return s.withRoles(roles, members, s.nextOid);
        });
    }

    @Override
    public boolean grant(String group, String member, String grantor, boolean adminOption) {
        boolean[] changed = new boolean[1];
        change(s -> {
            Role g = requireRole(s, group);
            Role m = requireRole(s, member);
            Role by = requireRole(s, grantor);
            if (g.oid() == PG_DATABASE_OWNER) {
                throw PgException.error(SqlState.INVALID_GRANT_OPERATION, "role \"%s\" cannot have explicit members", g.name());
            }
            if (m.oid() == PG_DATABASE_OWNER) {
                throw PgException.error(SqlState.INVALID_GRANT_OPERATION, "role \"%s\" cannot be a member of any role", m.name());
            }
            // a loop, including the role itself: is the group already (a member of) the new member?
            if (s.isMemberOf(g.oid(), m.oid())) {
                throw PgException.error(SqlState.INVALID_GRANT_OPERATION, "role \"%s\" is a member of role \"%s\"",
                        g.name(), m.name());
            }
            Membership old = s.membership(g.oid(), m.oid());
            if (old != null && (!adminOption || old.adminOption())) return s;
            List<Membership> members = new ArrayList<>(s.memberships);
            Membership row = new Membership(g.oid(), m.oid(), by.oid(), adminOption);
            if (old != null) members.set(members.indexOf(old), row);
            else members.add(row);
            changed[0] = true;
            return s.withMemberships(members);
        });
        return changed[0];
    }

    @Override
    public boolean revoke(String group, String member, boolean adminOptionOnly) {
        boolean[] changed = new boolean[1];
        change(s -> {
            Role g = requireRole(s, group);
            Role m = requireRole(s, member);
            Membership old = s.membership(g.oid(), m.oid());
            if (old == null) return s;
            List<Membership> members = new ArrayList<>(s.memberships);
            changed[0] = true;
            if (adminOptionOnly) {
                if (!old.adminOption()) return s;
                members.set(members.indexOf(old), new Membership(old.roleId(), old.member(), old.grantor(), false));
            } else {
                members.remove(old);
            }
            return s.withMemberships(members);
        });
        return changed[0];
    }

    @Override
    public Database createDatabase(Database spec) {
        Database[] created = new Database[1];
        change(s -> {
            if (s.database(spec.name()) != null) {
                throw PgException.error(SqlState.DUPLICATE_DATABASE, "database \"%s\" already exists", spec.name());
            }
            if (s.role(spec.ownerOid()) == null) {
                throw PgException.error(SqlState.UNDEFINED_OBJECT, "role with OID %s does not exist",
                        Integer.toUnsignedString(spec.ownerOid()));
            }
            long[] oid = s.allocateOid();
            Database d = new Database((int) oid[0], spec.name(), spec.ownerOid(), spec.encoding(), spec.collate(),
                    spec.ctype(), spec.isTemplate(), spec.allowConnections(), spec.connLimit());
            List<Database> dbs = new ArrayList<>(s.databases);
            dbs.add(d);
            created[0] = d;
            return s.withDatabases(dbs, oid[1]);
        });
        return created[0];
    }

    @Override
    public void dropDatabase(String name) {
        change(s -> {
            Database d = s.database(name);
            if (d == null) throw PgException.error(SqlState.INVALID_CATALOG_NAME, "database \"%s\" does not exist", name);
            List<Database> dbs = new ArrayList<>(s.databases);
            dbs.remove(d);
            return s.withDatabases(dbs, s.nextOid);
        });
    }
}
