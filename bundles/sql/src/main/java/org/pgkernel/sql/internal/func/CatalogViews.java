package org.pgkernel.sql.internal.func;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import org.pgkernel.catalog.api.Database;
import org.pgkernel.catalog.api.Membership;
import org.pgkernel.catalog.api.Role;
import org.pgkernel.catalog.api.SharedCatalog;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.SqlState;
import org.pgkernel.sql.internal.exec.ExecContext;
import org.pgkernel.sql.internal.exec.PlanNode.Column;
import org.pgkernel.sql.internal.func.SystemViews.View;
import org.pgkernel.kernel.api.Encodings;
import org.pgkernel.sql.internal.types.PgType;

/**
 * The shared catalog as relations (pg_authid.h, pg_auth_members.h, pg_database.h,
 * system_views.sql): pg_authid (superusers only, rolpassword the stored verifier), pg_roles
 * and pg_user (everyone, passwords shown as "********"), pg_auth_members and pg_database. Rows
 * come from the catalog's snapshot at the time the scan starts.
 *
 * <p>Columns are PostgreSQL 15's, in its order, except those whose types pgkernel does not have
 * yet (pg_database.datlocprovider "char" and datacl aclitem[]; pg_roles.rolconfig is text[]
 * and always null, as there is no ALTER ROLE … SET).
 */
final class CatalogViews {
    private CatalogViews() { }

    private static Column c(String name, PgType type) { return new Column(name, type); }

    private static Long oid(int v) { return (long) v & 0xffffffffL; }

    static View find(String name) {
        return switch (name) {
            case "pg_authid" -> new View(name, List.of(
                    c("oid", PgType.OID), c("rolname", PgType.NAME), c("rolsuper", PgType.BOOL), c("rolinherit", PgType.BOOL),
                    c("rolcreaterole", PgType.BOOL), c("rolcreatedb", PgType.BOOL), c("rolcanlogin", PgType.BOOL),
                    c("rolreplication", PgType.BOOL), c("rolbypassrls", PgType.BOOL), c("rolconnlimit", PgType.INT4),
                    c("rolpassword", PgType.TEXT), c("rolvaliduntil", PgType.TIMESTAMPTZ)),
                    ctx -> {
                        SUPERUSER_ONLY.accept(ctx);
                        return authid(ctx);
                    }, SUPERUSER_ONLY);
            case "pg_roles" -> new View(name, List.of(
                    c("rolname", PgType.NAME), c("rolsuper", PgType.BOOL), c("rolinherit", PgType.BOOL),
                    c("rolcreaterole", PgType.BOOL), c("rolcreatedb", PgType.BOOL), c("rolcanlogin", PgType.BOOL),
                    c("rolreplication", PgType.BOOL), c("rolconnlimit", PgType.INT4), c("rolpassword", PgType.TEXT),
                    c("rolvaliduntil", PgType.TIMESTAMPTZ), c("rolbypassrls", PgType.BOOL), c("rolconfig", PgType.TEXT_ARRAY),
                    c("oid", PgType.OID)), CatalogViews::roles);
            case "pg_user" -> new View(name, List.of(
                    c("usename", PgType.NAME), c("usesysid", PgType.OID), c("usecreatedb", PgType.BOOL),
                    c("usesuper", PgType.BOOL), c("userepl", PgType.BOOL), c("usebypassrls", PgType.BOOL),
                    c("passwd", PgType.TEXT), c("valuntil", PgType.TIMESTAMPTZ), c("useconfig", PgType.TEXT_ARRAY)),
                    CatalogViews::users);
            case "pg_auth_members" -> new View(name, List.of(
                    c("roleid", PgType.OID), c("member", PgType.OID), c("grantor", PgType.OID),
                    c("admin_option", PgType.BOOL)), CatalogViews::members);
            case "pg_database" -> new View(name, List.of(
                    c("oid", PgType.OID), c("datname", PgType.NAME), c("datdba", PgType.OID), c("encoding", PgType.INT4),
                    c("datistemplate", PgType.BOOL), c("datallowconn", PgType.BOOL), c("datconnlimit", PgType.INT4),
                    c("datfrozenxid", PgType.XID), c("datminmxid", PgType.XID), c("dattablespace", PgType.OID),
                    c("datcollate", PgType.TEXT), c("datctype", PgType.TEXT), c("daticulocale", PgType.TEXT),
                    c("datcollversion", PgType.TEXT)), CatalogViews::databases);
            default -> null;
        };
    }

    /** pg_authid's ACL: nobody but superusers (42501, as for a table without SELECT privilege). */
    private static final Consumer<ExecContext> SUPERUSER_ONLY = ctx -> {
        SharedCatalog cat = ctx.env().catalog();
        Role me = cat.role(ctx.env().userName()).orElse(null);
        if (me == null || !me.superuser()) {
            throw PgException.error(SqlState.INSUFFICIENT_PRIVILEGE, "permission denied for table pg_authid");
        }
    };

    private static Iterator<Object[]> authid(ExecContext ctx) {
        List<Object[]> rows = new ArrayList<>();
        for (Role r : byOid(ctx.env().catalog().roles())) {
            rows.add(new Object[] {oid(r.oid()), r.name(), r.superuser(), r.inherit(), r.createRole(), r.createDb(), r.login(),
                r.replication(), r.bypassRls(), r.connLimit(), r.password(), r.validUntil()});
        }
        return rows.iterator();
    }

    private static Iterator<Object[]> roles(ExecContext ctx) {
        List<Object[]> rows = new ArrayList<>();
        for (Role r : byOid(ctx.env().catalog().roles())) {
            rows.add(new Object[] {r.name(), r.superuser(), r.inherit(), r.createRole(), r.createDb(), r.login(),
                r.replication(), r.connLimit(), "********", r.validUntil(), r.bypassRls(), null, oid(r.oid())});
        }
        return rows.iterator();
    }

    private static Iterator<Object[]> users(ExecContext ctx) {
        List<Object[]> rows = new ArrayList<>();
        for (Role r : byOid(ctx.env().catalog().roles())) {
            if (!r.login()) continue;
            rows.add(new Object[] {r.name(), oid(r.oid()), r.createDb(), r.superuser(), r.replication(), r.bypassRls(),
                "********", r.validUntil(), null});
        }
        return rows.iterator();
    }

    private static Iterator<Object[]> members(ExecContext ctx) {
        List<Object[]> rows = new ArrayList<>();
        for (Membership m : ctx.env().catalog().memberships()) {
            rows.add(new Object[] {oid(m.roleId()), oid(m.member()), oid(m.grantor()), m.adminOption()});
        }
        return rows.iterator();
    }

    private static Iterator<Object[]> databases(ExecContext ctx) {
        List<Object[]> rows = new ArrayList<>();
        List<Database> dbs = new ArrayList<>(ctx.env().catalog().databases());
        dbs.sort((x, y) -> Integer.compareUnsigned(x.oid(), y.oid()));
        for (Database d : dbs) {
            rows.add(new Object[] {oid(d.oid()), d.name(), oid(d.ownerOid()), Encodings.number(d.encoding()), d.isTemplate(),
                d.allowConnections(), d.connLimit(), 716L, 1L, 1663L, d.collate(), d.ctype(), null, null});
        }
        return rows.iterator();
    }

    /** Roles in OID order, as a fresh PostgreSQL heap would return them. */
    private static List<Role> byOid(List<Role> roles) {
        List<Role> out = new ArrayList<>(roles);
        out.sort((x, y) -> Integer.compareUnsigned(x.oid(), y.oid()));
        return out;
    }
}
