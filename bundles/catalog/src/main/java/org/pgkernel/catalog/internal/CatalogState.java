package org.pgkernel.catalog.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pgkernel.catalog.api.Database;
import org.pgkernel.catalog.api.Membership;
import org.pgkernel.catalog.api.Role;
import org.pgkernel.catalog.api.SharedCatalog;

/**
 * One immutable version of the shared catalog: the three tables, the OID counter and the
 * change count, with the lookup maps built once. Every change makes a new state (the
 * {@code with…} methods); nothing in a state is ever modified, so readers need no lock.
 *
 * <p>OIDs are unsigned 32-bit numbers kept in Java ints; {@code nextOid} is the counter
 * (GetNewObjectId()) as an unsigned value in a long.
 */
final class CatalogState {
    final long version;
    final long nextOid;
    /** By name. */
    final List<Role> roles;
    /** By name. */
    final List<Database> databases;
    /** In the order they were granted. */
    final List<Membership> memberships;

    private final Map<String, Role> roleByName = new HashMap<>();
    private final Map<Integer, Role> roleByOid = new HashMap<>();
    private final Map<String, Database> databaseByName = new HashMap<>();
    private final Map<Integer, Database> databaseByOid = new HashMap<>();
    /** member OID → the roles it is directly a member of. */
    private final Map<Integer, List<Integer>> memberOf = new HashMap<>();

    CatalogState(long version, long nextOid, List<Role> roles, List<Database> databases, List<Membership> memberships) {
        this.version = version;
        this.nextOid = nextOid;
        List<Role> r = new ArrayList<>(roles);
        r.sort(Comparator.comparing(Role::name));
        this.roles = List.copyOf(r);
        List<Database> d = new ArrayList<>(databases);
        d.sort(Comparator.comparing(Database::name));
        this.databases = List.copyOf(d);
        this.memberships = List.copyOf(memberships);
        for (Role role : this.roles) {
            if (roleByName.put(role.name(), role) != null) throw new IllegalArgumentException("duplicate role name " + role.name());
            if (roleByOid.put(role.oid(), role) != null) throw new IllegalArgumentException("duplicate role OID " + role.oid());
        }
        for (Database db : this.databases) {
            if (databaseByName.put(db.name(), db) != null) throw new IllegalArgumentException("duplicate database name " + db.name());
            if (databaseByOid.put(db.oid(), db) != null) throw new IllegalArgumentException("duplicate database OID " + db.oid());
        }
        for (Membership m : this.memberships) {
            memberOf.computeIfAbsent(m.member(), k -> new ArrayList<>()).add(m.roleId());
        }
    }

    Role role(String name) { return roleByName.get(name); }

    Role role(int oid) { return roleByOid.get(oid); }

    Database database(String name) { return databaseByName.get(name); }

    Database database(int oid) { return databaseByOid.get(oid); }

    Membership membership(int roleId, int member) {
        for (Membership m : memberships) {
            if (m.roleId() == roleId && m.member() == member) return m;
        }
        return null;
    }

    /** is_member_of_role_nosuper() on OIDs: {@code member} is {@code role} or reaches it through memberships. */
    boolean isMemberOf(int member, int role) {
        if (member == role) return true;
        Set<Integer> seen = new HashSet<>();
        Deque<Integer> todo = new ArrayDeque<>();
        todo.add(member);
        while (!todo.isEmpty()) {
            int m = todo.poll();
            for (int r : memberOf.getOrDefault(m, List.of())) {
                if (r == role) return true;
                if (seen.add(r)) todo.add(r);
            }
        }
        return false;
    }

    /** GetNewOidWithIndex(): the next free OID at or above the counter, and the counter after it. */
    long[] allocateOid() {
        long candidate = nextOid;
        for (;;) {
            if (candidate > 0xFFFFFFFFL || candidate < SharedCatalog.FIRST_NORMAL_OID) candidate = SharedCatalog.FIRST_NORMAL_OID;
            int oid = (int) candidate;
            if (!roleByOid.containsKey(oid) && !databaseByOid.containsKey(oid)) return new long[] {candidate, candidate + 1};
            candidate++;
        }
    }

    CatalogState withRoles(List<Role> newRoles, List<Membership> newMemberships, long newNextOid) {
        return new CatalogState(version + 1, newNextOid, newRoles, databases, newMemberships);
    }

    CatalogState withDatabases(List<Database> newDatabases, long newNextOid) {
        return new CatalogState(version + 1, newNextOid, roles, newDatabases, memberships);
    }

    CatalogState withMemberships(List<Membership> newMemberships) {
        return new CatalogState(version + 1, nextOid, roles, databases, newMemberships);
    }

    // ------------------------------------------------------------------ what initdb creates

    /** The predefined roles of PostgreSQL 15 (pg_authid.dat), NOLOGIN and INHERIT, with their fixed OIDs. */
    static final Map<Integer, String> PREDEFINED_ROLES = Map.ofEntries(
            Map.entry(3373, "pg_monitor"), Map.entry(3374, "pg_read_all_settings"), Map.entry(3375, "pg_read_all_stats"),
            Map.entry(3377, "pg_stat_scan_tables"), Map.entry(4200, "pg_signal_backend"), Map.entry(4544, "pg_checkpoint"),
            Map.entry(4569, "pg_read_server_files"), Map.entry(4570, "pg_write_server_files"),
            Map.entry(4571, "pg_execute_server_program"), Map.entry(SharedCatalog.PG_DATABASE_OWNER, "pg_database_owner"),
            Map.entry(6181, "pg_read_all_data"), Map.entry(6182, "pg_write_all_data"));

    /**
     * The catalog of a new cluster, as initdb leaves it: the bootstrap superuser (OID 10, every
     * attribute) with {@code password} already in its stored form (or null), the predefined
     * roles and pg_monitor's three memberships, and template1 (1), template0 (4, no
     * connections) and postgres (5), owned by the superuser.
     */
    static CatalogState bootstrap(String superuser, String password, String encoding, String locale) {
        List<Role> roles = new ArrayList<>();
        roles.add(new Role(SharedCatalog.BOOTSTRAP_SUPERUSER, superuser, true, true, true, true, true, true, true, -1,
                password, null));
        PREDEFINED_ROLES.forEach((oid, name) -> roles.add(new Role(oid, name, false, true, false, false, false, false, false,
                -1, null, null)));
        List<Membership> members = List.of(
                new Membership(3374, 3373, SharedCatalog.BOOTSTRAP_SUPERUSER, false),
                new Membership(3375, 3373, SharedCatalog.BOOTSTRAP_SUPERUSER, false),
                new Membership(3377, 3373, SharedCatalog.BOOTSTRAP_SUPERUSER, false));
        int owner = SharedCatalog.BOOTSTRAP_SUPERUSER;
        List<Database> dbs = List.of(
                new Database(1, "template1", owner, encoding, locale, locale, true, true, -1),
                new Database(4, "template0", owner, encoding, locale, locale, true, false, -1),
                new Database(5, "postgres", owner, encoding, locale, locale, false, true, -1));
        return new CatalogState(1, SharedCatalog.FIRST_NORMAL_OID, roles, dbs, members);
    }
}
