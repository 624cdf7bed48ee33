package org.pgkernel.sql.internal.session;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.pgkernel.catalog.api.Database;
import org.pgkernel.catalog.api.Membership;
import org.pgkernel.catalog.api.Role;
import org.pgkernel.catalog.api.SharedCatalog;
import org.pgkernel.kernel.api.PgException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared catalog as one transaction sees it: every change is applied at once (the shared
 * catalog has no MVCC until storage lands) and its inverse is recorded, so that an aborted
 * transaction — ROLLBACK, an error in a block, a failing statement later in the same query
 * string — takes its role changes back, as PostgreSQL's does. Other sessions can see a change
 * before its transaction ends, and a crash keeps it: what a flat catalog file allows.
 * CREATE/DROP DATABASE refuse to run in a transaction block, as in PostgreSQL, and are not
 * recorded.
 */
final class TransactionalCatalog implements SharedCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionalCatalog.class);

    private final SharedCatalog catalog;
    /** Inverses of the changes made so far in this transaction, oldest first. */
    private final List<Runnable> undo = new ArrayList<>();

    TransactionalCatalog(SharedCatalog catalog) {
        this.catalog = catalog;
    }

    /** The transaction committed: its changes stay. */
    void atCommit() {
        undo.clear();
    }

    /** The transaction aborted: take its changes back, newest first. */
    void atAbort() {
        for (int i = undo.size() - 1; i >= 0; i--) {
            try {
                undo.get(i).run();
            } catch (RuntimeException e) {
                LOG.warn("could not undo a catalog change of an aborted transaction: {}", e.getMessage());
            }
        }
        undo.clear();
    }

    @Override public Optional<Role> role(String name) { return catalog.role(name); }
    @Override public Optional<Role> role(int oid) { return catalog.role(oid); }
    @Override public List<Role> roles() { return catalog.roles(); }
    @Override public Optional<Database> database(String name) { return catalog.database(name); }
    @Override public Optional<Database> database(int oid) { return catalog.database(oid); }
    @Override public List<Database> databases() { return catalog.databases(); }
    @Override public List<Membership> memberships() { return catalog.memberships(); }
    @Override public boolean isMemberOf(String role, String group) { return catalog.isMemberOf(role, group); }
    @Override public long version() { return catalog.version(); }

    @Override
    public Role createRole(Role spec) throws PgException {
        Role created = catalog.createRole(spec);
        undo.add(() -> catalog.dropRole(created.name()));
        return created;
    }

    @Override
    public Role alterRole(Role spec) throws PgException {
        Role before = catalog.role(spec.oid()).orElse(null);
        Role after = catalog.alterRole(spec);
        if (before != null) undo.add(() -> catalog.alterRole(before));
        return after;
    }

    @Override
    public void dropRole(String name) throws PgException {
        Role before = catalog.role(name).orElse(null);
        List<String[]> grants = new ArrayList<>(); // group, member, grantor, admin
        if (before != null) {
            for (Membership m : catalog.memberships()) {
                if (m.roleId() != before.oid() && m.member() != before.oid()) continue;
                grants.add(new String[] {nameOf(m.roleId(), before), nameOf(m.member(), before),
                    nameOf(m.grantor(), before), Boolean.toString(m.adminOption())});
            }
        }
        catalog.dropRole(name);
        if (before == null) return;
        undo.add(() -> {
            catalog.createRole(before); // a new OID: the flat catalog cannot reuse the old one
            for (String[] g : grants) {
                String grantor = g[2] != null ? g[2] : g[0];
                catalog.grant(g[0], g[1], grantor, Boolean.parseBoolean(g[3]));
            }
        });
    }

    private String nameOf(int oid, Role dropped) {
        if (oid == dropped.oid()) return dropped.name();
        return catalog.role(oid).map(Role::name).orElse(null);
    }

    @Override
    public boolean grant(String group, String member, String grantor, boolean adminOption) throws PgException {
        Membership before = membership(group, member);
        boolean changed = catalog.grant(group, member, grantor, adminOption);
        if (changed) {
            if (before == null) {
                undo.add(() -> catalog.revoke(group, member, false));
            } else {
                undo.add(() -> catalog.revoke(group, member, true)); // only the admin option was added
            }
        }
        return changed;
    }

    @Override
    public boolean revoke(String group, String member, boolean adminOptionOnly) throws PgException {
        Membership before = membership(group, member);
        boolean changed = catalog.revoke(group, member, adminOptionOnly);
        if (changed && before != null) {
            String grantor = catalog.role(before.grantor()).map(Role::name).orElse(group);
            undo.add(() -> catalog.grant(group, member, grantor, before.adminOption()));
        }
        return changed;
    }

    private Membership membership(String group, String member) {
        Role g = catalog.role(group).orElse(null);
        Role m = catalog.role(member).orElse(null);
        if (g == null || m == null) return null;
        for (Membership x : catalog.memberships()) {
            if (x.roleId() == g.oid() && x.member() == m.oid()) return x;
        }
        return null;
    }

    @Override
    public Database createDatabase(Database spec) throws PgException {
        return catalog.createDatabase(spec);
    }

    @Override
    public void dropDatabase(String name) throws PgException {
        catalog.dropDatabase(name);
    }
}
